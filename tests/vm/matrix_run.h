// Running the kmatrix binary on a matrix, once per test binary, as a user
// does: the VM test files share these runs instead of booting again.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace kmx::vmtest {

struct MatrixRun {
  int exit_code = -1;
  std::filesystem::path dir;
  std::filesystem::path history_db;  // where the run's automatic ingest went
  std::map<std::string, nlohmann::json> cells;  // by cell name
};

// Each matrix boots once, on first use, for all the tests that read it.
const MatrixRun& smoke_run();   // matrix/smoke.toml
const MatrixRun& faults_run();  // tests/data/vm/faults.toml

std::string slurp(const std::filesystem::path& p);

}  // namespace kmx::vmtest
