#include "matrix_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace kmx::vmtest {

namespace {

MatrixRun run_kmatrix(const std::string& matrix, const std::string& tag) {
  MatrixRun run;
  run.dir = fs::temp_directory_path() / fmt::format("kmatrix-vm-{}-{}", tag, ::getpid());
  fs::remove_all(run.dir);
  // The run ingests itself into $XDG_DATA_HOME's history: a private one, not the user's.
  const fs::path data_home = run.dir.string() + "-data";
  fs::remove_all(data_home);
  run.history_db = data_home / "kmatrix" / "history.sqlite";
  const std::string cmd = fmt::format("XDG_DATA_HOME='{}' '{}' run '{}' --out '{}' 2>&1", data_home.string(),
                                      KMATRIX_BINARY, matrix, run.dir.string());
  const int status = std::system(cmd.c_str());
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(run.dir / "cells.jsonl");
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line);
    run.cells[j.at("name").get<std::string>()] = j;
  }
  return run;
}

}  // namespace

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const MatrixRun& smoke_run() {
  static const MatrixRun run = run_kmatrix(KMATRIX_SOURCE_DIR "/matrix/smoke.toml", "smoke");
  return run;
}

const MatrixRun& faults_run() {
  static const MatrixRun run = run_kmatrix(KMATRIX_SOURCE_DIR "/tests/data/vm/faults.toml", "faults");
  return run;
}

}  // namespace kmx::vmtest
