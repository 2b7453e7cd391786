// Running the real kmatrix binary from VM tests, as a user would, and reading
// what it wrote.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kmx::vmtest {

namespace fs = std::filesystem;
using nlohmann::json;

struct MatrixRun {
  int exit_code = -1;
  fs::path dir;
  std::map<std::string, json> cells;  // by cell name
};

inline fs::path run_dir(const std::string& tag) {
  return fs::temp_directory_path() / fmt::format("kmatrix-vm-{}-{}", tag, ::getpid());
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `kmatrix ARGS`, its output passed through to the test log.
inline int kmatrix(const std::string& args) {
  const int status = std::system(fmt::format("'{}' {} 2>&1", KMATRIX_BINARY, args).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline MatrixRun read_run(const fs::path& dir, int exit_code) {
  MatrixRun run{exit_code, dir, {}};
  std::ifstream in(dir / "cells.jsonl");
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line);
    run.cells[j.at("name").get<std::string>()] = j;
  }
  return run;
}

inline MatrixRun run_kmatrix(const std::string& matrix, const std::string& tag, const std::string& extra = "") {
  const fs::path dir = run_dir(tag);
  fs::remove_all(dir);
  return read_run(dir, kmatrix(fmt::format("run '{}' --out '{}' {}", matrix, dir.string(), extra)));
}

}  // namespace kmx::vmtest
