// Decides when a cell is over and why: the agent said the workload is done,
// or a deadline passed, or something fatal happened. Time is passed in, never
// read, so tests drive it with plain time points.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kmx::outcome {

using Clock = std::chrono::steady_clock;

enum class TriggerKind {
  workload_done,
  boot_deadline,      // no `ready` in time -> boot-failure
  heartbeat_silence,  // agent silent after `ready` -> guest-hang
  workload_deadline,  // workload still running, agent alive -> container-hang
  panic,
  infra_error,
};
// "workload-done", "boot-deadline", "heartbeat-silence", "workload-deadline", "panic", "infra-error"
std::string_view to_string(TriggerKind kind);

struct Trigger {
  TriggerKind kind = TriggerKind::workload_done;
  Clock::time_point at;  // when it happened (a deadline: when it expired)
  std::string detail;
};

struct Deadlines {
  std::chrono::milliseconds boot;       // start -> ready
  std::chrono::milliseconds heartbeat;  // longest agent silence after ready
  std::chrono::milliseconds workload;   // workload started -> done
};

class Watchdog {
 public:
  Watchdog(Deadlines deadlines, Clock::time_point start);

  void on_ready(Clock::time_point t);
  void on_heartbeat(Clock::time_point t);
  void on_workload_started(Clock::time_point t);
  void on_workload_done(Clock::time_point t);
  void on_panic(Clock::time_point t, std::string_view reason);
  void on_infra_error(Clock::time_point t, std::string_view msg);

  // What ended the cell, if anything has by `t`. The first trigger is final:
  // what follows it (a panic after a deadline, say) is aftermath, not cause.
  std::optional<Trigger> check(Clock::time_point t);

 private:
  void end(TriggerKind kind, Clock::time_point t, std::string detail);

  Deadlines deadlines_;
  Clock::time_point start_;
  std::optional<Clock::time_point> ready_;
  std::optional<Clock::time_point> workload_started_;
  Clock::time_point last_sign_of_life_;
  std::optional<Trigger> ended_;
};

}  // namespace kmx::outcome
