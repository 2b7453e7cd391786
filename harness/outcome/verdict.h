// A cell's verdict: what happened (the outcome), to whom (the OOM victims)
// and what was odd about it (flags), from the watchdog's trigger, the
// console's kill lines and the agent's final report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/protocol.h"
#include "console/oom_kill.h"
#include "outcome/roles.h"
#include "outcome/watchdog.h"

namespace kmx::outcome {

enum class Outcome { completed, oom_killed, container_hang, guest_hang, panic, boot_failure, infra_error };
// "completed", "oom-killed", "container-hang", "guest-hang", "panic", "boot-failure", "infra-error"
std::string_view to_string(Outcome outcome);

// Flags.
inline constexpr std::string_view kWrongVictim = "wrong-victim";          // a victim that is not a workload child
inline constexpr std::string_view kContainerDied = "container-died";      // the container's init (by pid) died
inline constexpr std::string_view kSacrificedChild = "sacrificed-child";  // chosen != killed
inline constexpr std::string_view kOomKillsBeforeHang = "oom-kills-before-hang";
inline constexpr std::string_view kKillsNotOnConsole = "kills-not-on-console";
inline constexpr std::string_view kAgentError = "agent-error";

struct Victim {
  int pid = 0;
  std::string comm;
  std::optional<int> score;
  int uid = -1;
  Role role = Role::other;
  console::Constraint constraint = console::Constraint::unknown;
  int chosen_pid = 0;  // differs from pid when a child was sacrificed
  std::string chosen_comm;

  bool workload_child() const { return role == Role::child; }
};

// What the agent's `workload-done` said; all empty when it never came.
struct AgentFinal {
  std::string wlparent;  // "exit:N" | "signal:N"
  std::string ctinit;
  std::optional<int64_t> started, finished, killed;

  // Children still alive, when all three counters came.
  std::optional<int64_t> live() const {
    if (!started || !finished || !killed) return std::nullopt;
    return *started - *finished - *killed;
  }
  // Every child the parent forked has ended. An agent that predates this
  // rule said `workload-done` at the parent's death, with children alive.
  bool children_ended() const { return live() && *live() <= 0; }
};
// Reads a `workload-done` message; nullopt (never sent) gives an empty AgentFinal.
AgentFinal agent_final(const std::optional<agent::Message>& done);

struct Verdict {
  Outcome outcome = Outcome::infra_error;
  std::vector<Victim> victims;     // in kill order
  std::vector<std::string> flags;  // in the order of the constants above
  std::string detail;              // one human line
};

Verdict decide(const Trigger& trigger, const std::vector<console::OomKill>& kills, const AgentFinal& final,
               const Roles& roles = {}, const std::vector<std::string>& agent_errors = {});

}  // namespace kmx::outcome
