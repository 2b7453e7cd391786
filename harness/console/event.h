// What the console parser reports, one event per meaningful console line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "console/oom_kill.h"

namespace kmx::console {

enum class EventKind {
  oom_invoked,  // "<comm> invoked oom-killer" (rate-limited by 3.x+ kernels)
  oom_kill,     // a process was killed; `kill` is set
  panic,
  soft_lockup,
  hung_task,
};
std::string_view to_string(EventKind kind);  // "oom-invoked", "oom-kill", ...

struct Event {
  EventKind kind = EventKind::oom_invoked;
  std::optional<std::chrono::microseconds> kernel_time;
  // The gist: the invoking comm, the panic reason, the lockup or hung task.
  std::string detail;
  std::optional<OomKill> kill;
};

}  // namespace kmx::console
