#include "outcome/watchdog.h"

#include <algorithm>

#include <fmt/format.h>

namespace kmx::outcome {

std::string_view to_string(TriggerKind kind) {
  switch (kind) {
    case TriggerKind::workload_done: return "workload-done";
    case TriggerKind::boot_deadline: return "boot-deadline";
    case TriggerKind::heartbeat_silence: return "heartbeat-silence";
    case TriggerKind::workload_deadline: return "workload-deadline";
    case TriggerKind::panic: return "panic";
    case TriggerKind::infra_error: return "infra-error";
  }
  return "?";
}

Watchdog::Watchdog(Deadlines deadlines, Clock::time_point start)
    : deadlines_(deadlines), start_(start), last_sign_of_life_(start) {}

void Watchdog::on_ready(Clock::time_point t) {
  ready_ = t;
  last_sign_of_life_ = std::max(last_sign_of_life_, t);
}

void Watchdog::on_heartbeat(Clock::time_point t) { last_sign_of_life_ = std::max(last_sign_of_life_, t); }

void Watchdog::on_workload_started(Clock::time_point t) {
  workload_started_ = t;
  last_sign_of_life_ = std::max(last_sign_of_life_, t);
}

void Watchdog::on_workload_done(Clock::time_point t) { end(TriggerKind::workload_done, t, ""); }

void Watchdog::on_panic(Clock::time_point t, std::string_view reason) { end(TriggerKind::panic, t, std::string(reason)); }

void Watchdog::on_infra_error(Clock::time_point t, std::string_view msg) {
  end(TriggerKind::infra_error, t, std::string(msg));
}

void Watchdog::end(TriggerKind kind, Clock::time_point t, std::string detail) {
  if (!ended_) ended_ = Trigger{kind, t, std::move(detail)};
}

std::optional<Trigger> Watchdog::check(Clock::time_point t) {
  if (ended_) return ended_;
  if (!ready_) {
    if (t - start_ >= deadlines_.boot)
      end(TriggerKind::boot_deadline, start_ + deadlines_.boot,
          fmt::format("no ready within {} ms", deadlines_.boot.count()));
    return ended_;
  }
  // Silence first: a workload deadline means "container stuck, guest fine",
  // which only holds while the agent still talks.
  if (t - last_sign_of_life_ >= deadlines_.heartbeat) {
    end(TriggerKind::heartbeat_silence, last_sign_of_life_ + deadlines_.heartbeat,
        fmt::format("agent silent for {} ms", deadlines_.heartbeat.count()));
  } else if (workload_started_ && t - *workload_started_ >= deadlines_.workload) {
    end(TriggerKind::workload_deadline, *workload_started_ + deadlines_.workload,
        fmt::format("workload not done within {} ms", deadlines_.workload.count()));
  }
  return ended_;
}

}  // namespace kmx::outcome
