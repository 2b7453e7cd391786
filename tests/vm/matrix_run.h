// Running the kmatrix binary on a matrix, once per test binary, as a user
// does: the VM test files share these runs instead of booting again.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "util/read_file.h"

namespace kmx::vmtest {

struct MatrixRun {
  int exit_code = -1;
  std::filesystem::path dir;
  std::filesystem::path history_db;  // where the run's automatic ingest went
  std::map<std::string, nlohmann::json> cells;  // by cell name
};

// Each matrix boots once, on first use, for all the tests that read it.
const MatrixRun& smoke_run();    // matrix/smoke.toml
const MatrixRun& faults_run();   // tests/data/vm/faults.toml
const MatrixRun& kernels_run();  // tests/data/vm/kernels.toml

// `kmatrix run MATRIX --out <a fresh directory named after tag> EXTRA`, with
// its history in a private $XDG_DATA_HOME beside the run.
MatrixRun run_kmatrix(const std::string& matrix, const std::string& tag, const std::string& extra = "");

// A fresh run directory's path for `tag` (not created).
std::filesystem::path run_dir(const std::string& tag);

// A one-cell matrix ("fits", Debian 12) whose guest no other test boots: its
// kernel command line carries `kmatrix.test=TAG-PID-TIME`, so its snapshot is
// made by the test that uses it, from a cold cache.
std::filesystem::path private_matrix(const std::string& tag);

// Checks that `record`, of a cell whose snapshot was damaged, completed
// booted cold and says why; returns that `boot.fallback` for more checks.
std::string expect_cold_fallback_record(const nlohmann::json& record);

// `ENV kmatrix ARGS` (output to the test log); the exit code.
int kmatrix_status(const std::string& args, const std::string& env = "");

// The records of DIR/cells.jsonl by cell name.
MatrixRun read_run(const std::filesystem::path& dir, int exit_code);

using util::read_file;

}  // namespace kmx::vmtest
