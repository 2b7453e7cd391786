#include <gtest/gtest.h>

#include "outcome/stall.h"
#include "outcome/watchdog.h"

namespace kmx::outcome {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A fake clock: plain time points counted from an arbitrary origin.
const Clock::time_point T0{};
Clock::time_point at(int64_t ms) { return T0 + milliseconds(ms); }

Watchdog make() { return Watchdog({.boot = seconds(60), .heartbeat = seconds(10), .workload = seconds(120)}, T0); }

TEST(Watchdog, NothingYet) {
  Watchdog w = make();
  EXPECT_FALSE(w.check(at(59'999)));
}

TEST(Watchdog, BootDeadline) {
  Watchdog w = make();
  const auto t = w.check(at(60'000));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, TriggerKind::boot_deadline);
  EXPECT_EQ(t->at, at(60'000));
}

TEST(Watchdog, ReadyStopsTheBootDeadline) {
  Watchdog w = make();
  w.on_ready(at(30'000));
  w.on_workload_started(at(31'000));
  for (int64_t t = 32'000; t < 100'000; t += 1'000) w.on_heartbeat(at(t));
  EXPECT_FALSE(w.check(at(100'000)));
}

TEST(Watchdog, HeartbeatSilenceAfterReady) {
  Watchdog w = make();
  w.on_ready(at(5'000));
  w.on_workload_started(at(6'000));
  w.on_heartbeat(at(7'000));
  EXPECT_FALSE(w.check(at(16'999)));
  const auto t = w.check(at(17'000));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, TriggerKind::heartbeat_silence);
  EXPECT_EQ(t->at, at(17'000));
}

TEST(Watchdog, WorkloadDeadlineWithHeartbeatsAlive) {
  Watchdog w = make();
  w.on_ready(at(5'000));
  w.on_workload_started(at(6'000));
  for (int64_t t = 7'000; t <= 126'000; t += 1'000) w.on_heartbeat(at(t));
  EXPECT_FALSE(w.check(at(125'999)));
  const auto t = w.check(at(126'000));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, TriggerKind::workload_deadline);
  EXPECT_EQ(t->at, at(126'000));
}

TEST(Watchdog, SilenceWinsOverWorkloadDeadline) {
  Watchdog w = make();
  w.on_ready(at(5'000));
  w.on_workload_started(at(6'000));
  w.on_heartbeat(at(120'000));
  const auto t = w.check(at(130'001));  // both expired: the guest is gone
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, TriggerKind::heartbeat_silence);
}

TEST(Watchdog, WorkloadDone) {
  Watchdog w = make();
  w.on_ready(at(5'000));
  w.on_workload_started(at(6'000));
  w.on_workload_done(at(9'000));
  const auto t = w.check(at(9'000));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, TriggerKind::workload_done);
  EXPECT_EQ(t->at, at(9'000));
}

TEST(Watchdog, PanicAndInfraErrorEndTheCellAtOnce) {
  Watchdog a = make();
  a.on_panic(at(1'000), "Out of memory: system-wide panic_on_oom is enabled");
  ASSERT_TRUE(a.check(at(1'000)));
  EXPECT_EQ(a.check(at(1'000))->kind, TriggerKind::panic);
  EXPECT_EQ(a.check(at(1'000))->detail, "Out of memory: system-wide panic_on_oom is enabled");

  Watchdog b = make();
  b.on_infra_error(at(2'000), "qemu exited: status 1");
  const auto t = b.check(at(2'000));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, TriggerKind::infra_error);
  EXPECT_EQ(t->detail, "qemu exited: status 1");
}

TEST(Watchdog, FirstTriggerIsFinal) {
  Watchdog w = make();
  w.on_ready(at(5'000));
  w.on_workload_started(at(6'000));
  ASSERT_EQ(w.check(at(20'000))->kind, TriggerKind::heartbeat_silence);
  w.on_panic(at(21'000), "Fatal exception");  // aftermath
  EXPECT_EQ(w.check(at(22'000))->kind, TriggerKind::heartbeat_silence);
}

TEST(Watchdog, TriggerNames) {
  EXPECT_EQ(to_string(TriggerKind::workload_deadline), "workload-deadline");
  EXPECT_EQ(to_string(TriggerKind::heartbeat_silence), "heartbeat-silence");
}

agent::Heartbeat hb(int64_t failcnt, int64_t finished, int64_t killed, int64_t under_oom = 0) {
  agent::Heartbeat h;
  h.failcnt = failcnt;
  h.finished = finished;
  h.killed = killed;
  h.under_oom = under_oom;
  return h;
}

TEST(StallTracker, FailcntRisingWithoutProgressIsAStall) {
  StallTracker s;
  s.on_heartbeat(at(0), hb(100, 0, 0));
  s.on_heartbeat(at(1'000), hb(200, 0, 0));
  s.on_heartbeat(at(2'000), hb(300, 0, 0));
  s.on_heartbeat(at(3'000), hb(400, 0, 0));
  EXPECT_EQ(s.longest(), milliseconds(3'000));
  EXPECT_EQ(s.current(), milliseconds(3'000));
  s.on_heartbeat(at(4'000), hb(500, 0, 1));  // a child killed: progress
  EXPECT_EQ(s.current(), milliseconds(0));
  EXPECT_EQ(s.longest(), milliseconds(3'000));
}

TEST(StallTracker, UnderOomWithFlatFailcntIsAStall) {
  // 2.6.32 with oom_kill_disable: failcnt stays put while tasks wait in D state.
  StallTracker s;
  s.on_heartbeat(at(0), hb(10127, 0, 0, 1));
  s.on_heartbeat(at(5'000), hb(10127, 0, 0, 1));
  s.on_heartbeat(at(10'000), hb(10127, 0, 0, 1));
  EXPECT_EQ(s.longest(), milliseconds(10'000));
}

TEST(StallTracker, NoPressureNoStall) {
  StallTracker s;
  s.on_heartbeat(at(0), hb(5, 0, 0));
  s.on_heartbeat(at(1'000), hb(5, 0, 0));
  s.on_heartbeat(at(2'000), hb(5, 0, 0));
  EXPECT_EQ(s.longest(), milliseconds(0));
}

TEST(StallTracker, ConsoleKillEndsTheStallWhenItHappens) {
  StallTracker s;
  s.on_heartbeat(at(0), hb(1, 0, 0));
  s.on_heartbeat(at(1'000), hb(2, 0, 0));
  s.on_kill(at(1'500));
  s.on_heartbeat(at(2'000), hb(3, 0, 0));  // the agent has not counted the kill yet
  EXPECT_EQ(s.longest(), milliseconds(1'500));
  EXPECT_EQ(s.current(), milliseconds(0));
  s.on_heartbeat(at(3'000), hb(4, 0, 0));  // a new stall starts
  EXPECT_EQ(s.current(), milliseconds(1'000));
}

TEST(StallTracker, LongestOfSeveral) {
  StallTracker s;
  s.on_heartbeat(at(0), hb(1, 0, 0));
  s.on_heartbeat(at(2'000), hb(2, 0, 0));
  s.on_heartbeat(at(3'000), hb(3, 1, 0));
  s.on_heartbeat(at(4'000), hb(4, 1, 0));
  s.on_heartbeat(at(9'000), hb(5, 1, 0));
  s.on_heartbeat(at(10'000), hb(6, 2, 0));
  EXPECT_EQ(s.longest(), milliseconds(6'000));
}

}  // namespace
}  // namespace kmx::outcome
