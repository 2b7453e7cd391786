// Where the next guest starts when a run spreads over several hosts: each
// host has its own jobs and memory budget; a host that failed takes no more
// cells, and the others take what is left. One host is the plain case. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "runner/schedule.h"

namespace kmx::runner {

struct HostLimits {
  int jobs = 1;
  uint64_t memory_budget = 0;  // bytes the guests may use together on that host
};

class HostScheduler {
 public:
  explicit HostScheduler(const std::vector<HostLimits>& hosts);

  // The host to start a guest needing `need` bytes on, its job and memory
  // taken: of the live hosts with a free job and the memory, the one with the
  // most free jobs (ties: the first given). nullopt: none can now.
  std::optional<size_t> take(uint64_t need);
  void give_back(size_t host, uint64_t need);

  // The host takes no more cells (what runs there ends as it ends).
  void fail(size_t host);
  bool alive(size_t host) const { return hosts_.at(host).alive; }
  // Some live host could run a guest this large, once its others end.
  bool fits_a_live_host(uint64_t need) const;
  int running() const;

 private:
  struct Host {
    HostLimits limits;
    MemoryBudget budget;
    int running = 0;
    bool alive = true;
  };
  std::vector<Host> hosts_;
};

}  // namespace kmx::runner
