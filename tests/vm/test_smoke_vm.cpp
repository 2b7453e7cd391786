// Boots Debian's real 6.1 kernel under QEMU (TCG here) through the kmatrix
// binary, exactly as a user runs it, and checks each cell's verdict and evidence.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "matrix_run.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kmx::vmtest;

namespace {

const json& cell(const MatrixRun& run, const std::string& name) {
  static const json missing = json::object();
  const auto it = run.cells.find(name);
  EXPECT_NE(it, run.cells.end()) << "no record for " << name;
  return it == run.cells.end() ? missing : it->second;
}

TEST(SmokeMatrix, RunFinishesWithOneRecordPerCell) {
  const MatrixRun& run = smoke_run();
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.cells.size(), 3u);
  const json info = json::parse(read_file(run.dir / "run.json"));
  EXPECT_EQ(info.at("status"), "finished");
  EXPECT_EQ(info.at("cells_done"), 3);
  EXPECT_NE(info.at("qemu_version").get<std::string>().find("QEMU"), std::string::npos);
}

TEST(SmokeMatrix, FittingWorkloadCompletesAndIsReallyCharged) {
  const MatrixRun& run = smoke_run();
  const json& c = cell(run, "fits");
  EXPECT_EQ(c.at("outcome"), "completed");
  EXPECT_TRUE(c.at("victims").empty());
  EXPECT_EQ(c.at("agent").at("finished"), 8);
  // 8 children x 4 MiB really touched: the memcg saw (nearly) all of it.
  EXPECT_GE(c.at("agent").at("peak_usage").get<uint64_t>(), 30ull << 20);
  EXPECT_TRUE(c.at("kernel").at("release").get<std::string>().starts_with("6.1."));
  EXPECT_GT(c.at("timings").at("boot_ms").get<int64_t>(), 0);
}

TEST(SmokeMatrix, ExceedingWorkloadHasItsChildrenOomKilled) {
  const MatrixRun& run = smoke_run();
  const json& c = cell(run, "exceeds");
  EXPECT_EQ(c.at("outcome"), "oom-killed");
  ASSERT_FALSE(c.at("victims").empty());
  for (const json& v : c.at("victims")) {
    EXPECT_EQ(v.at("comm"), "wlchild");
    EXPECT_EQ(v.at("role"), "child");
    EXPECT_TRUE(v.at("workload_child").get<bool>());
    EXPECT_GT(v.at("pid").get<int>(), 0);
  }
  EXPECT_EQ(std::count(c.at("flags").begin(), c.at("flags").end(), "wrong-victim"), 0);
  EXPECT_GT(c.at("agent").at("killed").get<int>(), 0);
  EXPECT_FALSE(c.at("oom_scores").empty()) << "the agent reports oom_score under pressure";
  const std::string console = read_file(run.dir / c.at("evidence").get<std::string>() / "console.log");
  EXPECT_NE(console.find("Killed process"), std::string::npos);
}

TEST(SmokeMatrix, KillerDisabledContainerHangsWhileGuestLives) {
  const MatrixRun& run = smoke_run();
  const json& c = cell(run, "exceeds-killer-off");
  EXPECT_EQ(c.at("outcome"), "container-hang");
  EXPECT_TRUE(c.at("victims").empty());
  EXPECT_EQ(c.at("agent").at("under_oom"), 1);
  // Stuck for a while (how long depends on how many children a slow host
  // let finish in waves), and measured up to the verdict only.
  const int64_t stall = c.at("timings").at("longest_stall_ms"), workload = c.at("timings").at("workload_ms");
  EXPECT_GT(stall, 0);
  EXPECT_LE(stall, workload);
  const fs::path evidence = run.dir / c.at("evidence").get<std::string>();
  // Evidence collected before the VM stopped: the agent's sysrq w dump.
  EXPECT_NE(read_file(evidence / "console.log").find("Show Blocked State"), std::string::npos);
  EXPECT_NE(read_file(evidence / "agent.log").find("sysrq-done"), std::string::npos);
}

TEST(FaultMatrix, FrozenVmIsAGuestHang) {
  const MatrixRun& run = faults_run();
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(cell(run, "frozen").at("outcome"), "guest-hang");
}

TEST(FaultMatrix, AKilledParentIsNotTheEndOfTheWorkload) {
  const MatrixRun& run = faults_run();
  const json& c = cell(run, "parent-killed");
  EXPECT_EQ(c.at("outcome"), "completed") << c.at("detail");
  EXPECT_EQ(c.at("agent").at("wlparent"), "signal:9");
  EXPECT_EQ(c.at("agent").at("finished"), 8) << "every child held its memory to the end";
  EXPECT_EQ(c.at("agent").at("live"), 0);
  // The parent died 2 s in; its children held for 20 s after they started.
  // The harness times the workload from when `started` reached it over the
  // serial line, which may lag the guest by some milliseconds: a second of slack.
  EXPECT_GE(c.at("timings").at("workload_ms").get<int64_t>(), 20000 - 1000);
  const std::string agent_log = read_file(run.dir / c.at("evidence").get<std::string>() / "agent.log");
  EXPECT_NE(agent_log.find("what=fault"), std::string::npos);
  for (const char* role : {"role=init", "role=helper", "role=parent"})
    EXPECT_NE(agent_log.find(role), std::string::npos) << role;
}

TEST(FaultMatrix, PanicOnOomIsAPanic) {
  const MatrixRun& run = faults_run();
  const json& c = cell(run, "global-oom-panic");
  EXPECT_EQ(c.at("outcome"), "panic");
  EXPECT_NE(c.at("detail").get<std::string>().find("Out of memory"), std::string::npos);
}

TEST(KernelMatrix, EachDebianKernelBootsAndOomKills) {
  const MatrixRun& run = kernels_run();
  EXPECT_EQ(run.exit_code, 0);
  std::map<std::string, std::string> release_of;  // spec -> release
  for (const auto& [name, c] : run.cells) {
    EXPECT_EQ(c.at("outcome"), "oom-killed") << name;
    release_of[c.at("kernel").at("spec").get<std::string>()] = c.at("kernel").at("release").get<std::string>();
  }
  EXPECT_TRUE(release_of["debian:bullseye"].starts_with("5.10.")) << release_of["debian:bullseye"];
  EXPECT_TRUE(release_of["debian:bookworm"].starts_with("6.1.")) << release_of["debian:bookworm"];
  EXPECT_TRUE(release_of["debian:trixie"].starts_with("6.12.")) << release_of["debian:trixie"];
}

TEST(KernelMatrix, AKernelThatCannotRunTheCellsStopsTheRunBeforeAnyVm) {
  // Debian 13 has no cgroup v1 memory controller; the smoke cells use v1.
  const MatrixRun run = run_kmatrix(KMATRIX_SOURCE_DIR "/matrix/smoke.toml", "trixie-v1", "--kernel debian:trixie");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.cells.empty());
  EXPECT_FALSE(fs::exists(run.dir / "run.json"));
}

}  // namespace
