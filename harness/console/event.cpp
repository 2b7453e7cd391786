#include "console/event.h"

namespace kmx::console {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::oom_invoked: return "oom-invoked";
    case EventKind::oom_kill: return "oom-kill";
    case EventKind::panic: return "panic";
    case EventKind::soft_lockup: return "soft-lockup";
    case EventKind::hung_task: return "hung-task";
  }
  return "?";
}

}  // namespace kmx::console
