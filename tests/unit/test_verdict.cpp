#include <gtest/gtest.h>

#include "outcome/verdict.h"

namespace kmx::outcome {
namespace {

using console::Constraint;
using console::OomKill;

Trigger trig(TriggerKind kind, std::string detail = "") { return Trigger{kind, Clock::time_point{}, std::move(detail)}; }

OomKill kill(int pid, std::string comm, int chosen_pid = 0, std::string chosen_comm = "") {
  OomKill k;
  k.pid = pid;
  k.comm = comm;
  k.chosen_pid = chosen_pid ? chosen_pid : pid;
  k.chosen_comm = chosen_comm.empty() ? comm : chosen_comm;
  k.sacrificed = k.chosen_pid != pid;
  k.score = 1;
  k.uid = 30000;
  k.constraint = Constraint::memcg;
  return k;
}

bool has(const Verdict& v, std::string_view flag) {
  return std::find(v.flags.begin(), v.flags.end(), flag) != v.flags.end();
}

AgentFinal done(int64_t killed, std::string ctinit = "exit:0") {
  return AgentFinal{.wlparent = "exit:0", .ctinit = std::move(ctinit), .started = 80, .finished = 80 - killed,
                    .killed = killed};
}

TEST(Verdict, OutcomeNames) {
  EXPECT_EQ(to_string(Outcome::completed), "completed");
  EXPECT_EQ(to_string(Outcome::oom_killed), "oom-killed");
  EXPECT_EQ(to_string(Outcome::container_hang), "container-hang");
  EXPECT_EQ(to_string(Outcome::guest_hang), "guest-hang");
  EXPECT_EQ(to_string(Outcome::panic), "panic");
  EXPECT_EQ(to_string(Outcome::boot_failure), "boot-failure");
  EXPECT_EQ(to_string(Outcome::infra_error), "infra-error");
}

TEST(Verdict, TriggersThatDecideAlone) {
  EXPECT_EQ(decide(trig(TriggerKind::panic), {}, {}).outcome, Outcome::panic);
  EXPECT_EQ(decide(trig(TriggerKind::boot_deadline), {}, {}).outcome, Outcome::boot_failure);
  EXPECT_EQ(decide(trig(TriggerKind::heartbeat_silence), {}, {}).outcome, Outcome::guest_hang);
  const Verdict infra = decide(trig(TriggerKind::infra_error, "qemu died"), {}, {});
  EXPECT_EQ(infra.outcome, Outcome::infra_error);
  EXPECT_EQ(infra.detail, "qemu died");
}

TEST(Verdict, CompletedWithoutKills) {
  const Verdict v = decide(trig(TriggerKind::workload_done), {}, done(0));
  EXPECT_EQ(v.outcome, Outcome::completed);
  EXPECT_TRUE(v.victims.empty());
  EXPECT_TRUE(v.flags.empty());
}

TEST(Verdict, OomKilledWorkloadChildrenOnly) {
  const Verdict v = decide(trig(TriggerKind::workload_done), {kill(699, "wlchild"), kill(698, "wlchild")}, done(2));
  EXPECT_EQ(v.outcome, Outcome::oom_killed);
  ASSERT_EQ(v.victims.size(), 2u);
  EXPECT_EQ(v.victims[0].pid, 699);
  EXPECT_TRUE(v.victims[0].workload_child());
  EXPECT_EQ(v.victims[0].score, 1);
  EXPECT_EQ(v.victims[0].uid, 30000);
  EXPECT_EQ(v.victims[0].constraint, Constraint::memcg);
  EXPECT_TRUE(v.flags.empty());
}

TEST(Verdict, KillsOnlyInTheAgentCounters) {
  const Verdict v = decide(trig(TriggerKind::workload_done), {}, done(3));
  EXPECT_EQ(v.outcome, Outcome::oom_killed);
  EXPECT_TRUE(has(v, kKillsNotOnConsole));
}

TEST(Verdict, SeedPatternWrongVictimSacrificedChildContainerDied) {
  // The 2.6.32 cell1 log: ctinit chosen, its children killed, then itself.
  const std::vector<OomKill> kills = {kill(453, "mingetty1", 452, "ctinit"), kill(455, "wlparent", 452, "ctinit"),
                                      kill(452, "ctinit"), kill(456, "wlchild")};
  const Verdict v = decide(trig(TriggerKind::workload_done), kills, done(1, "signal:9"));
  EXPECT_EQ(v.outcome, Outcome::oom_killed);
  EXPECT_EQ(v.flags, (std::vector<std::string>{"wrong-victim", "container-died", "sacrificed-child"}));
  EXPECT_FALSE(v.victims[0].workload_child());
  EXPECT_EQ(v.victims[0].chosen_pid, 452);
  EXPECT_EQ(v.victims[0].chosen_comm, "ctinit");
  EXPECT_NE(v.detail.find("mingetty1 453"), std::string::npos) << v.detail;
}

TEST(Verdict, ContainerDiedFromAgentReportAlone) {
  const Verdict v = decide(trig(TriggerKind::workload_done), {}, done(0, "signal:9"));
  EXPECT_TRUE(has(v, kContainerDied));
  EXPECT_FALSE(has(v, kWrongVictim));
}

TEST(Verdict, ContainerHangEvenWithKills) {
  const Verdict v = decide(trig(TriggerKind::workload_deadline, "workload not done within 120000 ms"),
                           {kill(453, "mingetty1", 452, "ctinit")}, {});
  EXPECT_EQ(v.outcome, Outcome::container_hang);
  EXPECT_TRUE(has(v, kOomKillsBeforeHang));
  EXPECT_TRUE(has(v, kWrongVictim));
  EXPECT_TRUE(has(v, kSacrificedChild));
  EXPECT_FALSE(has(v, kContainerDied));

  const Verdict quiet = decide(trig(TriggerKind::workload_deadline), {}, {});
  EXPECT_EQ(quiet.outcome, Outcome::container_hang);
  EXPECT_TRUE(quiet.flags.empty());
}

TEST(Verdict, AgentErrorsAreFlaggedAndShown) {
  const Verdict v = decide(trig(TriggerKind::infra_error, "agent: swapon"), {}, {}, {}, {"swapon: EINVAL (errno 22)"});
  EXPECT_TRUE(has(v, kAgentError));
  EXPECT_NE(v.detail.find("swapon: EINVAL"), std::string::npos);
}

TEST(Verdict, VictimsByRoleNotByName) {
  // The el6 seed cell: 748 is called ctinit but is a fork of the init (663)
  // that had not renamed itself yet; 1855 is a fork of wlparent.
  Roles roles;
  roles.add(663, Role::init);
  roles.add(664, Role::helper);
  roles.add(666, Role::parent);
  const std::vector<OomKill> kills = {kill(664, "helper", 663, "ctinit"), kill(666, "wlparent", 663, "ctinit"),
                                      kill(748, "ctinit", 663, "ctinit"), kill(1855, "wlparent", 663, "ctinit"),
                                      kill(667, "wlchild", 663, "ctinit")};
  const Verdict v = decide(trig(TriggerKind::workload_deadline), kills, {}, roles);
  ASSERT_EQ(v.victims.size(), 5u);
  EXPECT_EQ(v.victims[0].role, Role::helper);
  EXPECT_EQ(v.victims[1].role, Role::parent);
  EXPECT_EQ(v.victims[2].role, Role::helper);
  EXPECT_EQ(v.victims[3].role, Role::child);
  EXPECT_EQ(v.victims[4].role, Role::child);
  EXPECT_TRUE(v.victims[3].workload_child());
  EXPECT_TRUE(has(v, kWrongVictim));
  EXPECT_FALSE(has(v, kContainerDied)) << "the init's pid never died";
  EXPECT_NE(v.detail.find("helper 748 (named ctinit)"), std::string::npos) << v.detail;

  roles.add(663, Role::init);
  const Verdict init_killed = decide(trig(TriggerKind::workload_done), {kill(663, "ctinit")}, done(0), roles);
  EXPECT_TRUE(has(init_killed, kContainerDied));
}

TEST(Verdict, ChildrenEndedOnlyWhenNoneIsLeft) {
  EXPECT_TRUE(done(0).children_ended());
  EXPECT_TRUE(done(17).children_ended());
  // The parent killed with 1186 of its 1188 children alive (el6 seed cell).
  const AgentFinal parent_killed{.wlparent = "signal:9", .ctinit = "alive", .started = 1188, .finished = 0,
                                 .killed = 2};
  EXPECT_FALSE(parent_killed.children_ended());
  EXPECT_FALSE(AgentFinal{}.children_ended()) << "no counters: nothing is known to have ended";
}

TEST(Verdict, AgentFinalFromMessage) {
  EXPECT_EQ(agent_final(std::nullopt).killed, std::nullopt);
  agent::Message m;
  m.type = "workload-done";
  m.fields = {{"wlparent", "exit:0"}, {"ctinit", "signal:9"}, {"started", "80"}, {"finished", "63"}, {"killed", "17"}};
  const AgentFinal f = agent_final(m);
  EXPECT_EQ(f.wlparent, "exit:0");
  EXPECT_EQ(f.ctinit, "signal:9");
  EXPECT_EQ(f.started, 80);
  EXPECT_EQ(f.finished, 63);
  EXPECT_EQ(f.killed, 17);
}

}  // namespace
}  // namespace kmx::outcome
