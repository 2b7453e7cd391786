// Interrupting a real run the hard way (SIGKILL, as an OOM-killed CI runner
// would) and resuming it: every cell recorded exactly once, no QEMU left.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/kernel.h"
#include "matrix_run.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kmx::vmtest;

size_t lines_in(const fs::path& p) {
  const std::string text = read_file(p);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// QEMUs whose command line holds `text`.
int qemus_with(const std::string& text) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string cmdline = read_file(entry.path() / "cmdline");
    if (cmdline.find("qemu-system") != std::string::npos && cmdline.find(text) != std::string::npos) ++n;
  }
  return n;
}

// QEMU processes started for this run directory (their command line names
// their evidence files).
int qemus_of(const fs::path& dir) { return qemus_with(dir.string()); }

// `kmatrix run MATRIX --out DIR --jobs N` in the background; its pid.
pid_t start_run(const std::string& matrix, const fs::path& dir, int jobs) {
  std::vector<std::string> args{KMATRIX_BINARY, "run", matrix, "--out", dir.string(), "--jobs", std::to_string(jobs)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  return posix_spawn(&pid, KMATRIX_BINARY, nullptr, nullptr, argv.data(), environ) == 0 ? pid : -1;
}

bool wait_until(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(6);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// Every run here ingests itself into a private history, not the user's.
class Interrupt : public testing::Test {
 protected:
  void SetUp() override { ::setenv("XDG_DATA_HOME", (run_dir("interrupts") / "data").c_str(), 1); }
};
using Resume = Interrupt;

TEST_F(Interrupt, FirstSigintLetsTheRunningCellFinishAndStartsNoOther) {
  const fs::path dir = run_dir("sigint");
  fs::remove_all(dir);
  const pid_t pid = start_run(KMATRIX_SOURCE_DIR "/tests/data/vm/resume.toml", dir, 1);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_until([&] { return qemus_of(dir) > 0; }));
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const MatrixRun run = read_run(dir, WEXITSTATUS(status));
  ASSERT_EQ(run.cells.size(), 1u);
  EXPECT_EQ(run.cells.begin()->second.at("outcome"), "completed");
  EXPECT_EQ(json::parse(read_file(dir / "run.json")).at("status"), "interrupted");
  EXPECT_EQ(qemus_of(dir), 0);
}

TEST_F(Interrupt, SecondSigintAbortsASnapshotBootToo) {
  const fs::path matrix = private_matrix("sigint-snapshot");
  const std::string nonce = fmt::format("kmatrix.test=sigint-snapshot-{}-", ::getpid());
  const fs::path dir = run_dir("sigint-snapshot");
  fs::remove_all(dir);
  const pid_t pid = start_run(matrix.string(), dir, 1);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_until([&] { return qemus_with(nonce) > 0; })) << "the snapshot boot started";
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(read_run(dir, 130).cells.size(), 0u);
  EXPECT_EQ(qemus_with(nonce), 0);
  // Stopped before `ready`: no snapshot of this shape was saved.
  for (const auto& entry : fs::directory_iterator(kmx::image::default_cache_dir() / "snapshots"))
    EXPECT_EQ(read_file(entry.path() / "key.json").find(nonce), std::string::npos) << entry.path();
  fs::remove(matrix);
}

TEST_F(Resume, SigkilledRunResumesWithEveryCellOnce) {
  const fs::path dir = run_dir("resume");
  fs::remove_all(dir);
  const std::string matrix = KMATRIX_SOURCE_DIR "/tests/data/vm/resume.toml";
  const pid_t pid = start_run(matrix, dir, 2);
  ASSERT_GT(pid, 0);

  // Kill it once a verdict is on disk and another cell's VM runs.
  ASSERT_TRUE(wait_until([&] { return lines_in(dir / "cells.jsonl") >= 1; })) << "no first verdict in time";
  ASSERT_TRUE(wait_until([&] { return qemus_of(dir) > 0; }));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const size_t before = lines_in(dir / "cells.jsonl");
  ASSERT_LT(before, 4u) << "the run ended before it could be killed";

  // QEMU dies with kmatrix (PR_SET_PDEATHSIG), not minutes later.
  for (int i = 0; i < 50 && qemus_of(dir) > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(qemus_of(dir), 0) << "orphan QEMU after SIGKILL";
  EXPECT_EQ(json::parse(read_file(dir / "run.json")).at("status"), "running");

  // A write cut by the kill would leave a torn line; make sure one is there.
  std::ofstream(dir / "cells.jsonl", std::ios::app) << R"({"cell_id":"0123456789abcdef","outc)";

  // Resume, two at a time again.
  ASSERT_EQ(kmatrix_status(fmt::format("run --resume '{}' --jobs 2", dir.string())), 0);
  const MatrixRun run = read_run(dir, 0);
  EXPECT_EQ(lines_in(dir / "cells.jsonl"), 4u);
  ASSERT_EQ(run.cells.size(), 4u);
  for (const auto& [name, record] : run.cells) EXPECT_EQ(record.at("outcome"), "completed") << name;
  EXPECT_EQ(read_file(dir / "cells.jsonl.torn"), R"({"cell_id":"0123456789abcdef","outc)");
  const json info = json::parse(read_file(dir / "run.json"));
  EXPECT_EQ(info.at("status"), "finished");
  EXPECT_EQ(info.at("cells_done"), 4);
  EXPECT_EQ(info.at("jobs"), 2);
  EXPECT_EQ(qemus_of(dir), 0);

  // Nothing left to do: a second resume runs no VM and changes nothing.
  ASSERT_EQ(kmatrix_status(fmt::format("run --resume '{}'", dir.string())), 0);
  EXPECT_EQ(lines_in(dir / "cells.jsonl"), 4u);
}

}  // namespace
