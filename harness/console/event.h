// What the console parser reports. Single-line facts (an OOM killer run
// starting, a kill, a panic) are reported on their line; multi-line reports
// (a whole OOM report, a lockup or oops with its stack, a sysrq task dump)
// when they end.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "console/crash.h"
#include "console/oom_kill.h"
#include "console/oom_report.h"
#include "console/task_dump.h"

namespace kmx::console {

enum class EventKind {
  oom_invoked,  // "<comm> invoked oom-killer" (rate-limited by 3.x+ kernels); detail: the comm
  oom_kill,     // a process was killed; `kill` is set; detail: its comm
  oom_report,   // a whole OOM report ended; `oom` is set
  oom_reaped,   // "oom_reaper: reaped process ..."; `reaped` is set
  panic,        // detail: the reason
  soft_lockup,  // these five: `crash` is set; detail: its gist
  hard_lockup,
  hung_task,
  rcu_stall,
  bug,          // BUG:, Oops, general protection fault, kernel BUG at
  warning,
  task_dump,    // sysrq w/t; `tasks` is set; detail: "Show Blocked State" / "Show State"
};
std::string_view to_string(EventKind kind);  // "oom-invoked", "oom-kill", ...
EventKind event_kind(CrashKind kind);

struct Event {
  EventKind kind = EventKind::oom_invoked;
  std::optional<std::chrono::microseconds> kernel_time;  // of the event's first line
  std::string detail;
  std::optional<OomKill> kill;
  std::optional<OomReport> oom;
  std::optional<OomReaped> reaped;
  std::optional<CrashReport> crash;
  std::optional<TaskDump> tasks;
};
Event make_event(EventKind kind, std::optional<std::chrono::microseconds> time, std::string detail = {});

}  // namespace kmx::console
