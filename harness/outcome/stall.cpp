#include "outcome/stall.h"

#include <algorithm>

namespace kmx::outcome {

namespace {

std::chrono::milliseconds ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d); }

}  // namespace

void StallTracker::on_heartbeat(Clock::time_point t, const agent::Heartbeat& hb) {
  if (last_) {
    const agent::Heartbeat& prev = last_->hb;
    const bool pressure = hb.failcnt > prev.failcnt || hb.under_oom != 0;
    const bool progress = hb.finished != prev.finished || hb.killed != prev.killed || killed_since_last_;
    if (pressure && !progress) {
      if (!stall_since_) stall_since_ = last_->t;
      stall_until_ = t;
      longest_ = std::max(longest_, ms(t - *stall_since_));
    } else {
      stall_since_.reset();
    }
  }
  last_ = Sample{t, hb};
  killed_since_last_ = false;
}

void StallTracker::on_kill(Clock::time_point t) {
  // The stall lasted until this kill, not merely until the last heartbeat.
  if (stall_since_) longest_ = std::max(longest_, ms(t - *stall_since_));
  stall_since_.reset();
  killed_since_last_ = true;
}

std::chrono::milliseconds StallTracker::longest() const { return longest_; }

std::chrono::milliseconds StallTracker::current() const {
  return stall_since_ ? ms(stall_until_ - *stall_since_) : std::chrono::milliseconds(0);
}

}  // namespace kmx::outcome
