#include "matrix_run.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace kmx::vmtest {

fs::path run_dir(const std::string& tag) { return fs::temp_directory_path() / fmt::format("kmatrix-vm-{}-{}", tag, ::getpid()); }

std::string expect_cold_fallback_record(const nlohmann::json& record) {
  EXPECT_EQ(record.at("outcome"), "completed");
  EXPECT_FALSE(record.at("boot").at("restored").get<bool>());
  const std::string fallback = record.at("boot").at("fallback").get<std::string>();
  EXPECT_NE(fallback.find("did not restore"), std::string::npos) << fallback;
  EXPECT_GT(record.at("timings").at("boot_ms").get<int64_t>(), 0) << "booted cold";
  return fallback;
}

fs::path private_matrix(const std::string& tag) {
  const fs::path path = run_dir(tag + "-matrix") += ".toml";
  std::ofstream(path) << fmt::format(R"([run]
kernel = "debian:bookworm"
guest_memory = "512M"
cpus = 2
workload_timeout = "60s"
[guest]
cmdline = "kmatrix.test={}-{}-{}"
[workload]
user = "nonroot"
[[cell]]
name = "fits"
expect = "completed"
[cell.workload]
procs = 8
size = "4M"
hold = "2s"
)",
                                     tag, ::getpid(), std::chrono::system_clock::now().time_since_epoch().count());
  return path;
}

int kmatrix_status(const std::string& args, const std::string& env) {
  const int status = std::system(fmt::format("{} '{}' {} 2>&1", env, KMATRIX_BINARY, args).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

MatrixRun read_run(const fs::path& dir, int exit_code) {
  MatrixRun run{exit_code, dir, {}, {}};
  std::ifstream in(dir / "cells.jsonl");
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line);
    run.cells[j.at("name").get<std::string>()] = j;
  }
  return run;
}

MatrixRun run_kmatrix(const std::string& matrix, const std::string& tag, const std::string& extra) {
  const fs::path dir = run_dir(tag);
  fs::remove_all(dir);
  // The run ingests itself into $XDG_DATA_HOME's history: a private one, not the user's.
  const fs::path data_home = dir.string() + "-data";
  fs::remove_all(data_home);
  MatrixRun run = read_run(dir, kmatrix_status(fmt::format("run '{}' --out '{}' {}", matrix, dir.string(), extra),
                                               fmt::format("XDG_DATA_HOME='{}'", data_home.string())));
  run.history_db = data_home / "kmatrix" / "history.sqlite";
  return run;
}

const MatrixRun& smoke_run() {
  static const MatrixRun run = run_kmatrix(KMATRIX_SOURCE_DIR "/matrix/smoke.toml", "smoke");
  return run;
}

const MatrixRun& faults_run() {
  static const MatrixRun run = run_kmatrix(KMATRIX_SOURCE_DIR "/tests/data/vm/faults.toml", "faults");
  return run;
}

const MatrixRun& kernels_run() {
  static const MatrixRun run = run_kmatrix(KMATRIX_SOURCE_DIR "/tests/data/vm/kernels.toml", "kernels");
  return run;
}

}  // namespace kmx::vmtest
