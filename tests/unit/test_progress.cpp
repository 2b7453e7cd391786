#include <gtest/gtest.h>

#include "runner/progress.h"

namespace kmx::runner {
namespace {

TEST(Progress, CountsOutcomesAndEstimatesFromObservedCellTimes) {
  ProgressState s{.done = 3, .total = 12, .jobs = 2,
                  .outcomes = {{"completed", 2}, {"oom-killed", 1}},
                  .cell_ms = {10'000, 20'000, 30'000},
                  .running = {{"fits", "booting"}, {"exceeds", "workload"}}};
  // 9 cells left at 20 s each over 2 jobs: 90 s.
  EXPECT_EQ(progress_text(s, 200), "[3/12] 2 completed, 1 oom-killed, ETA 1m30s | fits: booting | exceeds: workload");
  EXPECT_EQ(progress_text(s, 10), "[3/12] 2 c");
  s.since_last_ms = 30'000;  // counts down between cells, never below zero
  EXPECT_NE(progress_text(s, 200).find("ETA 1m00s"), std::string::npos);
  s.since_last_ms = 500'000;
  EXPECT_NE(progress_text(s, 200).find("ETA 0s"), std::string::npos);
}

TEST(Progress, NoEtaBeforeTheFirstCellOrAfterTheLast) {
  EXPECT_EQ(progress_text({.done = 0, .total = 4, .jobs = 1, .outcomes = {}, .cell_ms = {}, .running = {{"a", "booting"}}}, 0),
            "[0/4] | a: booting");
  EXPECT_EQ(progress_text({.done = 4, .total = 4, .jobs = 1, .outcomes = {{"completed", 4}}, .cell_ms = {5000}, .running = {}}, 0),
            "[4/4] 4 completed");
}

TEST(Progress, EtaFormats) {
  EXPECT_EQ(format_eta(45), "45s");
  EXPECT_EQ(format_eta(250), "4m10s");
  EXPECT_EQ(format_eta(7500), "2h05m");
}

}  // namespace
}  // namespace kmx::runner
