// kmatrix's own evidence from the seed's kernel (2.6.32-431.el6, see
// tests/data/el6-seed/README.md), replayed through the console parser, the
// agent protocol, the role map, the verdict and the agent's own rule for the
// workload's end. Recorded by an agent that ended the cell at the workload
// parent's death; these tests pin down why that was wrong and what is right.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "agent/protocol.h"
#include "console/console_parser.h"
#include "outcome/roles.h"
#include "outcome/verdict.h"
#include "util/read_file.h"

extern "C" {
#include "counters.h"
}

namespace kmx::outcome {
namespace {

namespace fs = std::filesystem;

struct Replay {
  std::vector<console::OomKill> kills;
  Roles roles;
  std::optional<agent::Message> done;  // the agent's workload-done
};

Replay replay(const std::string& cell, const std::string& console_log) {
  const fs::path dir = fs::path(KMATRIX_TEST_DATA) / "el6-seed" / cell;
  Replay r;
  console::ConsoleParser parser;
  parser.feed(util::read_file(dir / console_log));
  parser.finish();
  r.kills = parser.oom_kills();
  std::istringstream agent_log(util::read_file(dir / "agent.log"));
  for (std::string line; std::getline(agent_log, line);) {
    if (line.starts_with("> ")) continue;  // host -> guest
    const agent::ParseResult parsed = agent::parse_line(line);
    if (parsed.status != agent::LineStatus::ok) continue;
    const agent::Message& m = parsed.message;
    if (m.type == KM_MSG_STARTED || m.type == KM_MSG_ROLE) r.roles.add(m);
    if (m.type == KM_MSG_DONE) r.done = m;
  }
  return r;
}

std::vector<Role> roles_of(const Verdict& v) {
  std::vector<Role> out;
  for (const Victim& x : v.victims) out.push_back(x.role);
  return out;
}

bool has(const Verdict& v, std::string_view flag) {
  return std::find(v.flags.begin(), v.flags.end(), flag) != v.flags.end();
}

// The agent's rule, fed the counters it reported when the parent died.
bool agent_says_over(const AgentFinal& f, bool ctinit_dead) {
  km_counters c{};
  c.wlparent_running = 1;
  c.started = *f.started;
  c.finished = *f.finished;
  c.killed = *f.killed;
  c.wlparent_done = 1;
  return km_workload_over(&c, ctinit_dead, /*pidns=*/1) != 0;
}

TEST(SeedReplay, NonRootManySmallTheParentsDeathIsNotTheEnd) {
  const Replay r = replay("nonroot-1280x256K", "console.excerpt.log");
  ASSERT_TRUE(r.done);
  const AgentFinal final = agent_final(r.done);
  EXPECT_EQ(final.wlparent, "signal:9");
  EXPECT_EQ(final.ctinit, "alive");
  EXPECT_FALSE(final.children_ended()) << "1186 children were alive";
  EXPECT_FALSE(agent_says_over(final, false));
  EXPECT_TRUE(agent_says_over(final, true)) << "an init's death ends a PID namespace";
}

TEST(SeedReplay, NonRootManySmallVictimsByRole) {
  const Replay r = replay("nonroot-1280x256K", "console.excerpt.log");
  // Watched on, the cell reaches its deadline with the children stuck.
  const Verdict v = decide({TriggerKind::workload_deadline, {}, "workload not done within 150000 ms"}, r.kills,
                           agent_final(r.done), r.roles);
  EXPECT_EQ(v.outcome, Outcome::container_hang);
  // helper 664, helper 665, wlparent 666, "ctinit" 1857 (a helper being
  // respawned: the agent reported ctinit alive), then two children.
  EXPECT_EQ(roles_of(v), (std::vector<Role>{Role::helper, Role::helper, Role::parent, Role::helper, Role::child,
                                            Role::child}));
  EXPECT_EQ(v.victims[3].pid, 1857);
  EXPECT_EQ(v.victims[3].comm, "ctinit");
  EXPECT_TRUE(has(v, kWrongVictim));
  EXPECT_TRUE(has(v, kOomKillsBeforeHang));
  EXPECT_FALSE(has(v, kContainerDied));
}

TEST(SeedReplay, RootFewLargeVictimsByRole) {
  const Replay r = replay("root-80x4M", "console.log");
  const AgentFinal final = agent_final(r.done);
  EXPECT_FALSE(final.children_ended()) << "79 children were alive";
  EXPECT_FALSE(agent_says_over(final, false));
  const Verdict v = decide({TriggerKind::workload_deadline, {}, ""}, r.kills, final, r.roles);
  EXPECT_EQ(roles_of(v), (std::vector<Role>{Role::helper, Role::helper, Role::parent, Role::helper, Role::child}));
  EXPECT_EQ(v.victims[3].pid, 748);
  EXPECT_FALSE(has(v, kContainerDied));
  EXPECT_TRUE(has(v, kWrongVictim));
}

}  // namespace
}  // namespace kmx::outcome
