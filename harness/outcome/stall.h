// Measures OOM livelock: stretches in which the container is under memory
// pressure (failcnt rising, or under_oom set) while no workload process gets
// anywhere (no child finished or was killed, no OOM kill on the console).
// That is the seed incident's signature: the OOM path runs and runs, killing
// nothing that frees memory.
#pragma once

#include <chrono>
#include <optional>

#include "agent/protocol.h"
#include "outcome/watchdog.h"

namespace kmx::outcome {

class StallTracker {
 public:
  void on_heartbeat(Clock::time_point t, const agent::Heartbeat& hb);
  // An OOM kill seen on the console: progress, even before the agent counts it.
  void on_kill(Clock::time_point t);

  std::chrono::milliseconds longest() const;  // including the current stall
  // The stall still going at the last heartbeat (zero if none): for a hang,
  // how long the container had been stuck when the cell ended.
  std::chrono::milliseconds current() const;

 private:
  struct Sample {
    Clock::time_point t;
    agent::Heartbeat hb;
  };
  std::optional<Sample> last_;
  std::optional<Clock::time_point> stall_since_;
  Clock::time_point stall_until_;  // the last heartbeat that extended it
  bool killed_since_last_ = false;
  std::chrono::milliseconds longest_{0};
};

}  // namespace kmx::outcome
