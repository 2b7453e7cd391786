#include <gtest/gtest.h>

#include "runner/host_schedule.h"

namespace kmx::runner {
namespace {

constexpr uint64_t GiB = 1ull << 30;

TEST(HostSchedule, OneHostIsItsJobsAndBudget) {
  HostScheduler s({{.jobs = 2, .memory_budget = 5 * GiB / 2}});
  EXPECT_EQ(s.take(GiB), 0u);
  EXPECT_EQ(s.take(GiB), 0u);
  EXPECT_EQ(s.take(GiB), std::nullopt);  // both jobs busy
  s.give_back(0, GiB);
  EXPECT_EQ(s.take(2 * GiB), std::nullopt);  // a job is free, 2 GiB are not
  EXPECT_EQ(s.take(GiB), 0u);
  EXPECT_EQ(s.running(), 2);
}

TEST(HostSchedule, GuestsSpreadToTheHostWithMostFreeJobs) {
  HostScheduler s({{.jobs = 1, .memory_budget = 8 * GiB}, {.jobs = 3, .memory_budget = 8 * GiB}});
  EXPECT_EQ(s.take(GiB), 1u);  // 3 free beat 1
  EXPECT_EQ(s.take(GiB), 1u);  // 2 beat 1
  EXPECT_EQ(s.take(GiB), 0u);  // 1 and 1: the first given
  EXPECT_EQ(s.take(GiB), 1u);
  EXPECT_EQ(s.take(GiB), std::nullopt);
}

TEST(HostSchedule, EachHostsMemoryBudgetIsItsOwn) {
  HostScheduler s({{.jobs = 4, .memory_budget = 1 * GiB}, {.jobs = 1, .memory_budget = 4 * GiB}});
  EXPECT_EQ(s.take(2 * GiB), 1u);  // only the second has the memory
  EXPECT_EQ(s.take(2 * GiB), std::nullopt);
  EXPECT_EQ(s.take(GiB / 2), 0u);
  EXPECT_TRUE(s.fits_a_live_host(4 * GiB));
  EXPECT_FALSE(s.fits_a_live_host(5 * GiB));
}

TEST(HostSchedule, AFailedHostTakesNoMoreAndTheOthersTakeTheRest) {
  HostScheduler s({{.jobs = 2, .memory_budget = 8 * GiB}, {.jobs = 2, .memory_budget = 8 * GiB}});
  EXPECT_EQ(s.take(GiB), 0u);
  EXPECT_EQ(s.take(GiB), 1u);
  s.fail(0);
  EXPECT_FALSE(s.alive(0));
  EXPECT_EQ(s.take(GiB), 1u);
  EXPECT_EQ(s.take(GiB), std::nullopt);  // host 0 has a free job, but is gone
  s.give_back(0, GiB);                   // its running cell ended (as infra-error)
  EXPECT_EQ(s.take(GiB), std::nullopt);
  s.fail(1);
  EXPECT_FALSE(s.fits_a_live_host(GiB));
}

}  // namespace
}  // namespace kmx::runner
