#include "runner/host_schedule.h"

namespace kmx::runner {

HostScheduler::HostScheduler(const std::vector<HostLimits>& hosts) {
  for (const HostLimits& h : hosts) hosts_.push_back({h, MemoryBudget(h.memory_budget)});
}

std::optional<size_t> HostScheduler::take(uint64_t need) {
  std::optional<size_t> best;
  for (size_t i = 0; i < hosts_.size(); ++i) {
    const Host& h = hosts_[i];
    if (!h.alive || h.running >= h.limits.jobs || h.budget.used() + need > h.limits.memory_budget) continue;
    if (!best || h.limits.jobs - h.running > hosts_[*best].limits.jobs - hosts_[*best].running) best = i;
  }
  if (best) {
    hosts_[*best].budget.try_take(need);
    ++hosts_[*best].running;
  }
  return best;
}

void HostScheduler::give_back(size_t host, uint64_t need) {
  Host& h = hosts_.at(host);
  h.budget.give_back(need);
  --h.running;
}

void HostScheduler::fail(size_t host) { hosts_.at(host).alive = false; }

bool HostScheduler::fits_a_live_host(uint64_t need) const {
  for (const Host& h : hosts_)
    if (h.alive && h.budget.fits_alone(need)) return true;
  return false;
}

int HostScheduler::running() const {
  int n = 0;
  for (const Host& h : hosts_) n += h.running;
  return n;
}

}  // namespace kmx::runner
