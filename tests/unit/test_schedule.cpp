#include <gtest/gtest.h>

#include <map>

#include "runner/schedule.h"
#include "util/error.h"

namespace kmx::runner {
namespace {

std::vector<matrix::Cell> cells_on(const std::vector<std::string>& kernels) {
  std::vector<matrix::Cell> cells;
  for (size_t i = 0; i < kernels.size(); ++i) {
    matrix::Cell c;
    c.name = "c" + std::to_string(i);
    c.run.kernel = kernels[i];
    c.workload.procs = static_cast<int>(i) + 1;  // distinct IDs
    cells.push_back(c);
  }
  return cells;
}

std::vector<std::string> names(const std::vector<CellRun>& runs) {
  std::vector<std::string> n;
  for (const CellRun& r : runs) n.push_back(r.cell->name + "#" + std::to_string(r.repeat));
  return n;
}

TEST(Schedule, SameKernelRunsBackToBackInFirstMentionOrder) {
  const auto cells = cells_on({"debian:trixie", "debian:bookworm", "debian:trixie", "debian:bookworm"});
  EXPECT_EQ(names(plan_runs(cells, 1, {}, {})), (std::vector<std::string>{"c0#0", "c2#0", "c1#0", "c3#0"}));
}

TEST(Schedule, RepeatsAreSeparateRunsAndDoneOnesAreSkipped) {
  const auto cells = cells_on({"k", "k"});
  const std::string id0 = matrix::cell_id(cells[0]);
  EXPECT_EQ(names(plan_runs(cells, 2, {}, {{id0, 1}})), (std::vector<std::string>{"c0#0", "c1#0", "c1#1"}));
}

TEST(Schedule, EachCellsOwnRepeatUnlessOverridden) {
  auto cells = cells_on({"k", "k"});
  cells[1].run.repeat = 3;
  EXPECT_EQ(names(plan_runs(cells, 0, {}, {})), (std::vector<std::string>{"c0#0", "c1#0", "c1#1", "c1#2"}));
  EXPECT_EQ(names(plan_runs(cells, 1, {}, {})), (std::vector<std::string>{"c0#0", "c1#0"}));
}

TEST(Schedule, ShardsAreDisjointAndCoverEveryCell) {
  std::vector<std::string> kernels(40, "k");
  const auto cells = cells_on(kernels);
  std::map<std::string, int> seen;
  for (int i = 1; i <= 3; ++i)
    for (const CellRun& r : plan_runs(cells, 2, {i, 3}, {})) ++seen[r.id + "#" + std::to_string(r.repeat)];
  EXPECT_EQ(seen.size(), 80u);
  for (const auto& [key, n] : seen) EXPECT_EQ(n, 1) << key;
  // Deterministic: the same shard twice is the same runs.
  EXPECT_EQ(names(plan_runs(cells, 1, {2, 3}, {})), names(plan_runs(cells, 1, {2, 3}, {})));
}

TEST(Schedule, ShardSyntax) {
  EXPECT_EQ(parse_shard("2/5").index, 2);
  EXPECT_EQ(parse_shard("2/5").count, 5);
  for (const char* bad : {"0/3", "4/3", "1", "a/b", "1/0", "/3", "1/3x", ""})
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
}

TEST(Schedule, DefaultJobsFollowCoresAndMemory) {
  std::vector<matrix::Cell> cells = cells_on({"k"});
  cells[0].run.cpus = 2;
  cells[0].run.guest_memory = 512ull << 20;
  const std::vector<CellRun> runs{{&cells[0], "x", 0}};
  EXPECT_EQ(default_jobs(2, 24ull << 30, runs), 1);   // 2 cores, 2-CPU guests
  EXPECT_EQ(default_jobs(16, 24ull << 30, runs), 8);
  EXPECT_EQ(default_jobs(16, 2ull << 30, runs), 1);    // 1 GiB budget: one 640 MiB guest
  EXPECT_EQ(default_jobs(16, 3ull << 30, runs), 3);    // 2 GiB budget: three
  EXPECT_EQ(default_jobs(1, 512ull << 20, runs), 1);   // never 0
}

TEST(Schedule, MemoryBudgetNeverOvercommits) {
  MemoryBudget b(1000);
  EXPECT_TRUE(b.try_take(600));
  EXPECT_FALSE(b.try_take(401));
  EXPECT_TRUE(b.try_take(400));
  EXPECT_EQ(b.used(), 1000u);
  b.give_back(600);
  EXPECT_TRUE(b.try_take(500));
  EXPECT_FALSE(b.fits_alone(1001));
}

TEST(Schedule, ARestoredGuestIsChargedWhatItCanWriteNotItsRam) {
  matrix::Cell c;
  c.run.guest_memory = 2ull << 30;
  c.container.limit = 128ull << 20;
  c.workload.procs = 16;
  const uint64_t qemu = 128ull << 20, kernel = (64ull << 20) + 16 * (64ull << 10);
  EXPECT_EQ(host_memory_for(c), (2ull << 30) + qemu);
  EXPECT_EQ(host_memory_restored(c), (128ull << 20) + kernel + qemu);
  // Memory+swap above the limit, and a swap device in the guest's RAM, can be written too.
  c.container.memsw_limit = 256ull << 20;
  c.guest.swap = 64ull << 20;
  EXPECT_EQ(host_memory_restored(c), (256ull << 20) + (64ull << 20) + kernel + qemu);
  // Never more than the guest booted cold.
  c.container.limit = 4ull << 30;
  EXPECT_EQ(host_memory_restored(c), host_memory_for(c));
}

}  // namespace
}  // namespace kmx::runner
