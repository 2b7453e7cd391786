#include "console/event.h"

#include <utility>

namespace kmx::console {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::oom_invoked: return "oom-invoked";
    case EventKind::oom_kill: return "oom-kill";
    case EventKind::oom_report: return "oom-report";
    case EventKind::oom_reaped: return "oom-reaped";
    case EventKind::panic: return "panic";
    case EventKind::soft_lockup: return "soft-lockup";
    case EventKind::hard_lockup: return "hard-lockup";
    case EventKind::hung_task: return "hung-task";
    case EventKind::rcu_stall: return "rcu-stall";
    case EventKind::bug: return "bug";
    case EventKind::warning: return "warning";
    case EventKind::task_dump: return "task-dump";
  }
  return "?";
}

Event make_event(EventKind kind, std::optional<std::chrono::microseconds> time, std::string detail) {
  Event event;
  event.kind = kind;
  event.kernel_time = time;
  event.detail = std::move(detail);
  return event;
}

EventKind event_kind(CrashKind kind) {
  switch (kind) {
    case CrashKind::soft_lockup: return EventKind::soft_lockup;
    case CrashKind::hard_lockup: return EventKind::hard_lockup;
    case CrashKind::hung_task: return EventKind::hung_task;
    case CrashKind::rcu_stall: return EventKind::rcu_stall;
    case CrashKind::bug: return EventKind::bug;
    case CrashKind::warning: return EventKind::warning;
  }
  return EventKind::bug;
}

}  // namespace kmx::console
