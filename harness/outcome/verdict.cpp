#include "outcome/verdict.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol.h"

namespace kmx::outcome {

namespace {

Victim victim_of(const console::OomKill& kill, const Roles& roles) {
  return Victim{
      .pid = kill.pid,
      .comm = kill.comm,
      .score = kill.score,
      .uid = kill.uid,
      .role = roles.of(kill.pid, kill.comm),
      .constraint = kill.constraint,
      .chosen_pid = kill.chosen_pid,
      .chosen_comm = kill.chosen_comm,
  };
}

// "5 OOM kills, 4 not workload children: helper 664, wlparent 666, helper 748 (named ctinit)"
std::string victims_summary(const std::vector<Victim>& victims) {
  std::vector<std::string> others;
  for (const Victim& v : victims) {
    if (v.workload_child()) continue;
    const std::string_view name = display_name(v.role, v.comm);
    others.push_back(fmt::format("{} {}{}", name, v.pid, v.comm == name ? "" : fmt::format(" (named {})", v.comm)));
  }
  if (others.empty()) return fmt::format("{} OOM kills, all workload children", victims.size());
  return fmt::format("{} OOM kills, {} not workload children: {}", victims.size(), others.size(),
                     fmt::join(others, ", "));
}

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::completed: return "completed";
    case Outcome::oom_killed: return "oom-killed";
    case Outcome::container_hang: return "container-hang";
    case Outcome::guest_hang: return "guest-hang";
    case Outcome::panic: return "panic";
    case Outcome::boot_failure: return "boot-failure";
    case Outcome::infra_error: return "infra-error";
  }
  return "?";
}

AgentFinal agent_final(const std::optional<agent::Message>& done) {
  if (!done) return {};
  return AgentFinal{
      .wlparent = done->get("wlparent").value_or(""),
      .ctinit = done->get("ctinit").value_or(""),
      .started = done->get_int(KM_HB_STARTED),
      .finished = done->get_int(KM_HB_FINISHED),
      .killed = done->get_int(KM_HB_KILLED),
  };
}

Verdict decide(const Trigger& trigger, const std::vector<console::OomKill>& kills, const AgentFinal& final,
               const Roles& roles, const std::vector<std::string>& agent_errors) {
  Verdict v;
  for (const console::OomKill& kill : kills) v.victims.push_back(victim_of(kill, roles));
  const auto any = [&](auto pred) { return std::any_of(v.victims.begin(), v.victims.end(), pred); };
  const bool agent_counted_kills = final.killed.value_or(0) > 0;
  std::string why = trigger.detail;

  switch (trigger.kind) {
    case TriggerKind::panic: v.outcome = Outcome::panic; break;
    case TriggerKind::boot_deadline: v.outcome = Outcome::boot_failure; break;
    case TriggerKind::heartbeat_silence: v.outcome = Outcome::guest_hang; break;
    case TriggerKind::infra_error: v.outcome = Outcome::infra_error; break;
    case TriggerKind::workload_deadline: v.outcome = Outcome::container_hang; break;
    case TriggerKind::workload_done:
      v.outcome = kills.empty() && !agent_counted_kills ? Outcome::completed : Outcome::oom_killed;
      if (kills.empty() && agent_counted_kills)
        why = fmt::format("agent counted {} children killed, console shows no OOM kill", *final.killed);
      break;
  }

  if (any([](const Victim& x) { return !x.workload_child(); })) v.flags.emplace_back(kWrongVictim);
  // A signal-killed container init took the whole container with it, whoever
  // sent the signal. By pid: a fork of ctinit that had not renamed itself yet
  // is a helper, not the init.
  if (final.ctinit.starts_with("signal:") || any([](const Victim& x) { return x.role == Role::init; }))
    v.flags.emplace_back(kContainerDied);
  if (std::any_of(kills.begin(), kills.end(), [](const console::OomKill& k) { return k.sacrificed; }))
    v.flags.emplace_back(kSacrificedChild);
  if (trigger.kind == TriggerKind::workload_deadline && !kills.empty()) v.flags.emplace_back(kOomKillsBeforeHang);
  if (trigger.kind == TriggerKind::workload_done && kills.empty() && agent_counted_kills)
    v.flags.emplace_back(kKillsNotOnConsole);
  if (!agent_errors.empty()) v.flags.emplace_back(kAgentError);

  std::vector<std::string> parts;
  if (!why.empty()) parts.push_back(why);
  if (!kills.empty()) parts.push_back(victims_summary(v.victims));
  for (const std::string& e : agent_errors) parts.push_back("agent error: " + e);
  v.detail = fmt::format("{}", fmt::join(parts, "; "));
  return v;
}

}  // namespace kmx::outcome
