// Booting once and restoring per cell, against cold boots of the same cells
// on Debian's 6.1: the same verdicts, a stall measured right across the
// restore, a damaged snapshot that falls back to a cold boot, and two runs
// that share one snapshot boot. The smoke matrix also on Debian 11's 5.10.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/kernel.h"
#include "matrix_run.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kmx::vmtest;

namespace {

const MatrixRun& smoke_cold_run() {
  static const MatrixRun run = run_kmatrix(KMATRIX_SOURCE_DIR "/matrix/smoke.toml", "smoke-cold", "--boot cold");
  return run;
}

bool all_workload_children(const json& victims) {
  return std::all_of(victims.begin(), victims.end(), [](const json& v) { return v.at("workload_child").get<bool>(); });
}

// printk timestamps of a console log, in order, as seconds.
std::vector<double> timestamps(const std::string& console) {
  static const std::regex stamp(R"(\[\s*(\d+\.\d+)\])");
  std::vector<double> out;
  for (auto it = std::sregex_iterator(console.begin(), console.end(), stamp); it != std::sregex_iterator(); ++it)
    out.push_back(std::stod((*it)[1]));
  return out;
}

fs::path snapshot_dir(const json& record) {
  return kmx::image::default_cache_dir() / "snapshots" / record.at("boot").at("snapshot").get<std::string>();
}

uint64_t charged(const json& record) { return record.at("host_memory").at("charged").get<uint64_t>(); }
uint64_t peak(const json& record) { return record.at("host_memory").at("private_peak").get<uint64_t>(); }
uint64_t guest_memory(const json& record) { return record.at("parameters").at("run").at("guest_memory").get<uint64_t>(); }

void expect_same_verdicts(const MatrixRun& restored, const MatrixRun& cold) {
  ASSERT_EQ(restored.exit_code, 0);
  ASSERT_EQ(cold.exit_code, 0);
  for (const char* name : {"fits", "exceeds", "exceeds-killer-off"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(restored.cells.contains(name) && cold.cells.contains(name));
    const json& r = restored.cells.at(name);
    const json& c = cold.cells.at(name);
    EXPECT_TRUE(r.at("boot").at("restored").get<bool>());
    EXPECT_EQ(r.at("boot").at("snapshot").get<std::string>().size(), 16u);
    EXPECT_FALSE(c.at("boot").at("restored").get<bool>());
    EXPECT_TRUE(c.at("boot").at("fallback").is_null()) << "cold was asked for: nothing fell back";
    EXPECT_EQ(r.at("outcome"), c.at("outcome"));
    EXPECT_EQ(r.at("flags"), c.at("flags"));
    EXPECT_EQ(r.at("victims").empty(), c.at("victims").empty());
    EXPECT_TRUE(all_workload_children(r.at("victims")));
    EXPECT_TRUE(all_workload_children(c.at("victims")));
    EXPECT_EQ(r.at("agent").at("rejected_lines"), 0) << "the restore tore no agent line";
    // Not a benchmark: a restored cell starts its workload far sooner than a cold one boots.
    EXPECT_GT(r.at("timings").at("restore_ms").get<int64_t>(), 0);
    EXPECT_LT(r.at("timings").at("overhead_ms").get<int64_t>() * 4, c.at("timings").at("overhead_ms").get<int64_t>());
    EXPECT_TRUE(c.at("timings").at("restore_ms").is_null());
    // The memory budget: no guest held more than it was charged.
    EXPECT_GT(charged(c), guest_memory(c));
    EXPECT_LE(peak(r), charged(r));
    EXPECT_LE(peak(c), charged(c));
    EXPECT_LT(peak(r), peak(c)) << "the restored guest shares the snapshot's pages it did not write";
  }
  // The smoke cells share one guest shape: on a cold cache the first boots
  // the snapshot and is charged its RAM; one at a time, the last starts once
  // the snapshot is there and is charged what it can write.
  if (json::parse(read_file(restored.dir / "run.json")).at("jobs") == 1) {
    const json& last = restored.cells.at("exceeds-killer-off");
    EXPECT_LT(charged(last), guest_memory(last));
  }
}

TEST(Snapshot, SmokeRestoredGivesTheVerdictsOfColdBoots) { expect_same_verdicts(smoke_run(), smoke_cold_run()); }

TEST(Snapshot, SmokeRestoredGivesTheVerdictsOfColdBootsOn510) {
  const std::string smoke = KMATRIX_SOURCE_DIR "/matrix/smoke.toml";
  expect_same_verdicts(run_kmatrix(smoke, "smoke-510", "--kernel debian:bullseye"),
                       run_kmatrix(smoke, "smoke-510-cold", "--kernel debian:bullseye --boot cold"));
}

TEST(Snapshot, RestoredContainerHangStallsMostOfItsWorkload) {
  // The stall is timed on the host, from heartbeats: the guest's clock,
  // stopped while the snapshot waited, must not shorten or stretch it.
  const json& c = smoke_run().cells.at("exceeds-killer-off");
  ASSERT_EQ(c.at("outcome"), "container-hang");
  const int64_t stall = c.at("timings").at("longest_stall_ms"), workload = c.at("timings").at("workload_ms");
  EXPECT_GT(stall, workload / 2);
  EXPECT_LE(stall, workload + 2000);
}

TEST(Snapshot, RestoredConsoleGoesOnFromTheSnapshotsBoot) {
  const MatrixRun& run = smoke_run();
  const fs::path evidence = run.dir / run.cells.at("exceeds").at("evidence").get<std::string>();
  const std::vector<double> boot = timestamps(read_file(evidence / "boot-console.log"));
  const std::vector<double> cell = timestamps(read_file(evidence / "console.log"));
  ASSERT_FALSE(boot.empty());
  ASSERT_FALSE(cell.empty());
  EXPECT_GE(cell.front(), boot.back()) << "the guest's clock goes on from where the snapshot stopped it";
  // None goes back before the snapshot (a line the busy serial port garbled may be out of order).
  EXPECT_EQ(std::count_if(cell.begin(), cell.end(), [&](double t) { return t < boot.back(); }), 0);
  // Guest seconds within the cell's wall time (TCG's guest clock follows the host's while running).
  const double cell_s = run.cells.at("exceeds").at("timings").at("cell_ms").get<double>() / 1000;
  EXPECT_LE(cell.back() - cell.front(), cell_s + 1);
}

TEST(Snapshot, FaultCellsRestoredStillHangAndPanic) {
  const MatrixRun& run = faults_run();
  for (const char* name : {"frozen", "global-oom-panic", "parent-killed"})
    EXPECT_TRUE(run.cells.at(name).at("boot").at("restored").get<bool>()) << name;
  EXPECT_EQ(run.cells.at("frozen").at("outcome"), "guest-hang");
  EXPECT_EQ(run.cells.at("global-oom-panic").at("outcome"), "panic");
}

// Damages the snapshot the first run made; the next run must find out, warn,
// delete it and boot the cell cold to the same verdict.
void expect_cold_fallback(const std::string& tag, const std::function<void(const fs::path& state)>& damage) {
  const fs::path matrix = private_matrix(tag);
  const MatrixRun first = run_kmatrix(matrix.string(), tag + "-1");
  ASSERT_EQ(first.exit_code, 0);
  const json& made = first.cells.at("fits");
  ASSERT_TRUE(made.at("boot").at("restored").get<bool>());
  const fs::path dir = snapshot_dir(made);
  ASSERT_TRUE(fs::exists(dir / "state"));
  damage(dir / "state");

  const MatrixRun second = run_kmatrix(matrix.string(), tag + "-2");
  ASSERT_EQ(second.exit_code, 0);
  const json& c = second.cells.at("fits");
  const std::string fallback = expect_cold_fallback_record(c);
  EXPECT_NE(fallback.find("load of migration failed"), std::string::npos) << "QEMU's own words: " << fallback;
  EXPECT_FALSE(fs::exists(dir)) << "the damaged snapshot is deleted";
  EXPECT_TRUE(fs::exists(second.dir / c.at("evidence").get<std::string>() / "restore-failed" / "qemu.log"));
  fs::remove(matrix);
}

TEST(Snapshot, ATruncatedSnapshotFallsBackToAColdBoot) {
  expect_cold_fallback("snap-truncated", [](const fs::path& state) { fs::resize_file(state, fs::file_size(state) / 2); });
}

TEST(Snapshot, ACorruptSnapshotFallsBackToAColdBoot) {
  expect_cold_fallback("snap-corrupt", [](const fs::path& state) {
    // Garbage where the device state's sections begin.
    std::fstream f(state, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(16);
    const std::string junk(4096, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  });
}

TEST(Snapshot, TwoRunsAtOnceOnAColdCacheBootTheSnapshotOnce) {
  const fs::path matrix = private_matrix("snap-concurrent");
  const auto run = [&](const std::string& tag) {
    const fs::path dir = run_dir(tag);
    fs::remove_all(dir);
    const fs::path log = dir.string() + ".stderr";
    const int status = std::system(fmt::format("XDG_DATA_HOME='{}-data' '{}' run '{}' --out '{}' 2>'{}'", dir.string(),
                                               KMATRIX_BINARY, matrix.string(), dir.string(), log.string())
                                       .c_str());
    return std::pair{read_run(dir, WIFEXITED(status) ? WEXITSTATUS(status) : -1), read_file(log)};
  };
  auto a = std::async(std::launch::async, run, "snap-concurrent-a");
  auto b = std::async(std::launch::async, run, "snap-concurrent-b");
  const auto [run_a, log_a] = a.get();
  const auto [run_b, log_b] = b.get();
  ASSERT_EQ(run_a.exit_code, 0) << log_a;
  ASSERT_EQ(run_b.exit_code, 0) << log_b;
  const auto boots = [](const std::string& log) {
    size_t n = 0;
    for (size_t at = 0; (at = log.find("once for snapshot", at)) != std::string::npos; ++at) ++n;
    return n;
  };
  EXPECT_EQ(boots(log_a) + boots(log_b), 1u) << log_a << "\n---\n" << log_b;
  const json& ca = run_a.cells.at("fits");
  const json& cb = run_b.cells.at("fits");
  EXPECT_TRUE(ca.at("boot").at("restored").get<bool>());
  EXPECT_TRUE(cb.at("boot").at("restored").get<bool>());
  EXPECT_EQ(ca.at("boot").at("snapshot"), cb.at("boot").at("snapshot"));
  EXPECT_EQ(ca.at("outcome"), "completed");
  EXPECT_EQ(cb.at("outcome"), "completed");
  fs::remove_all(snapshot_dir(ca));
  fs::remove(matrix);
}

}  // namespace
