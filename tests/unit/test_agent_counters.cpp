// The guest agent's shared counters (guest/counters.c, C): the role table and
// the rule for the workload's end. Pure enough to run on the host.
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

extern "C" {
#include "counters.h"
}

namespace {

struct Counters {
  km_counters* c = km_counters_create();
  ~Counters() { munmap(c, sizeof *c); }
};

TEST(AgentCounters, TheWorkloadIsOverWhenTheLastChildEnded) {
  Counters k;
  km_counters* c = k.c;
  c->wlparent_running = 1;
  c->started = 3;
  EXPECT_FALSE(km_workload_over(c, 0, 0));
  km_counters_parent_ended(c, SIGKILL);  // killed: a wait() status of signal 9
  EXPECT_FALSE(km_workload_over(c, 0, 0)) << "three children still hold their memory";
  km_counters_child_ended(c, 0);
  km_counters_child_ended(c, SIGKILL);
  EXPECT_FALSE(km_workload_over(c, 0, 1));
  km_counters_child_ended(c, 0);
  EXPECT_TRUE(km_workload_over(c, 0, 0));
  EXPECT_EQ(c->finished, 2);
  EXPECT_EQ(c->killed, 1);
}

TEST(AgentCounters, TheInitsDeath) {
  Counters k;
  km_counters* c = k.c;
  c->wlparent_running = 1;
  c->started = 5;
  EXPECT_TRUE(km_workload_over(c, 1, 1)) << "the PID namespace died with its init";
  EXPECT_FALSE(km_workload_over(c, 1, 0)) << "without a namespace the workload outlives its init";
  c->wlparent_running = 0;
  EXPECT_TRUE(km_workload_over(c, 1, 0)) << "the init died before the parent ran: nothing will start";
}

TEST(AgentCounters, RolesByPid) {
  Counters k;
  EXPECT_EQ(km_counters_role_of(k.c, getpid()), KM_NO_ROLE);
  km_counters_register(k.c, KM_HELPER);  // /proc/self of the host's own /proc: getpid()
  EXPECT_EQ(km_counters_role_of(k.c, getpid()), KM_HELPER);
  EXPECT_EQ(km_counters_nroles(k.c), 1);
  pid_t pid = 0;
  km_role role = KM_NO_ROLE;
  ASSERT_TRUE(km_counters_role_at(k.c, 0, &pid, &role));
  EXPECT_EQ(pid, getpid());
  EXPECT_EQ(role, KM_HELPER);
  EXPECT_EQ(km_counters_pid_of(k.c, KM_HELPER), getpid());
  EXPECT_EQ(km_counters_pid_of(k.c, KM_PARENT), -1);
}

TEST(AgentCounters, StatusStrings) {
  char buf[32];
  km_status_string(SIGKILL, buf, sizeof buf);
  EXPECT_STREQ(buf, "signal:9");
  km_status_string(3 << 8, buf, sizeof buf);
  EXPECT_STREQ(buf, "exit:3");
}

}  // namespace
