#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <map>
#include <mutex>

#include "runner/cell_pool.h"
#include "util/error.h"

namespace kmx::runner {
namespace {

struct Fixture {
  std::vector<matrix::Cell> cells;
  std::vector<CellRun> runs;
  explicit Fixture(int n, uint64_t guest_memory = 256ull << 20) {
    cells.resize(n);
    for (int i = 0; i < n; ++i) cells[i].run.guest_memory = guest_memory;
    for (int i = 0; i < n; ++i) runs.push_back({&cells[i], "id" + std::to_string(i), 0});
  }
};

// A cell that takes `ms` and counts how many run at once.
struct Concurrency {
  std::atomic<int> now{0};
  std::atomic<int> peak{0};
  RunOne cell(int ms) {
    return [this, ms](const CellRun& run, const Slot&, const Progress& progress) -> std::optional<nlohmann::json> {
      const int n = ++now;
      for (int p = peak; n > p && !peak.compare_exchange_weak(p, n);) {
      }
      progress("working");
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      --now;
      return nlohmann::json{{"cell_id", run.id}};
    };
  }
};

TEST(CellPool, RunsUpToJobsAtOnceAndRecordsOnTheCallingThread) {
  Fixture f(6);
  Concurrency c;
  std::vector<std::string> recorded;
  const auto caller = std::this_thread::get_id();
  run_pool(f.runs, {.hosts = {{.jobs = 3, .memory_budget = 8ull << 30}}}, c.cell(100), [&](const CellRun& run, const nlohmann::json& r) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    EXPECT_EQ(r.at("cell_id"), run.id);
    recorded.push_back(run.id);
  });
  EXPECT_EQ(recorded.size(), 6u);
  EXPECT_EQ(c.peak, 3);
}

TEST(CellPool, TheMemoryBudgetLimitsParallelismBelowJobs) {
  Fixture f(4, 512ull << 20);  // 640 MiB each with QEMU's share
  Concurrency c;
  int recorded = 0;
  run_pool(f.runs, {.hosts = {{.jobs = 4, .memory_budget = 1300ull << 20}}}, c.cell(100),
           [&](const CellRun&, const nlohmann::json&) { ++recorded; });
  EXPECT_EQ(recorded, 4);
  EXPECT_EQ(c.peak, 2);
}

TEST(CellPool, ARunIsChargedWhatThePoolAsksAndGivesBackWhatItWasCharged) {
  Fixture f(4, 512ull << 20);  // 640 MiB each booted cold
  Concurrency c;
  const RunOne counted = c.cell(100);
  std::mutex m;
  std::vector<uint64_t> charged;
  // Restored guests charged 200 MiB: four fit where two cold ones would.
  run_pool(f.runs,
           {.hosts = {{.jobs = 4, .memory_budget = 1300ull << 20}},
            .charge = [](const CellRun&) { return 200ull << 20; }},
           [&](const CellRun& run, const Slot& slot, const Progress& p) {
             {
               std::lock_guard lock(m);
               charged.push_back(slot.charged);
             }
             return counted(run, slot, p);
           },
           [](const CellRun&, const nlohmann::json&) {});
  EXPECT_EQ(c.peak, 4);
  EXPECT_EQ(charged, std::vector<uint64_t>(4, 200ull << 20));
}

TEST(CellPool, AFailingCellStopsNewStartsAndIsRethrownAfterTheOthersEnd) {
  Fixture f(5);
  std::atomic<int> started{0};
  std::atomic<bool> other_finished{false};
  const RunOne run_one = [&](const CellRun& run, const Slot&, const Progress&) -> std::optional<nlohmann::json> {
    ++started;
    if (run.id == "id0") throw std::runtime_error("disk full");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    other_finished = true;
    return nlohmann::json{{"cell_id", run.id}};
  };
  int recorded = 0;
  EXPECT_THROW(run_pool(f.runs, {.hosts = {{.jobs = 2, .memory_budget = 8ull << 30}}}, run_one,
                        [&](const CellRun&, const nlohmann::json&) { ++recorded; }),
               std::runtime_error);
  EXPECT_EQ(started, 2);         // id0 and id1 only
  EXPECT_TRUE(other_finished);   // id1 was not abandoned mid-cell
  EXPECT_EQ(recorded, 1);
}

TEST(CellPool, AnAbortedCellIsNotRecorded) {
  Fixture f(2);
  int recorded = 0;
  run_pool(f.runs, {.hosts = {{.jobs = 1, .memory_budget = 8ull << 30}}},
           [](const CellRun& run, const Slot&, const Progress&) -> std::optional<nlohmann::json> {
             if (run.id == "id0") return std::nullopt;
             return nlohmann::json{{"cell_id", run.id}};
           },
           [&](const CellRun&, const nlohmann::json&) { ++recorded; });
  EXPECT_EQ(recorded, 1);
}

TEST(CellPool, ALostHostsCellsGoToTheOtherHost) {
  Fixture f(6);
  std::atomic<bool> host0_lost{false};
  std::mutex mutex;
  std::map<size_t, int> ran_on;
  const RunOne run_one = [&](const CellRun&, const Slot& slot, const Progress&) -> std::optional<nlohmann::json> {
    const size_t host = slot.host;
    {
      std::lock_guard lock(mutex);
      ++ran_on[host];
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (host == 0) host0_lost = true;  // its first cell ends with the host gone
    return nlohmann::json{{"outcome", host == 0 ? "infra-error" : "completed"}};
  };
  int recorded = 0;
  run_pool(f.runs,
           {.hosts = {{.jobs = 1, .memory_budget = 8ull << 30}, {.jobs = 1, .memory_budget = 8ull << 30}},
            .host_alive = [&](size_t host) { return host != 0 || !host0_lost; }},
           run_one, [&](const CellRun&, const nlohmann::json&) { ++recorded; });
  EXPECT_EQ(recorded, 6);  // every run recorded once
  EXPECT_EQ(ran_on[0], 1);
  EXPECT_EQ(ran_on[1], 5);
}

TEST(CellPool, NoLiveHostLeftIsAHostError) {
  Fixture f(3);
  int recorded = 0;
  EXPECT_THROW(run_pool(f.runs, {.hosts = {{.jobs = 1, .memory_budget = 8ull << 30}}, .host_alive = [](size_t) { return false; }},
                        [](const CellRun& run, const Slot&, const Progress&) -> std::optional<nlohmann::json> {
                          return nlohmann::json{{"cell_id", run.id}};
                        },
                        [&](const CellRun&, const nlohmann::json&) { ++recorded; }),
               HostError);
  EXPECT_EQ(recorded, 1);
}

}  // namespace
}  // namespace kmx::runner
