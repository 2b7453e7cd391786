// Which hosts may take part in a run, by memory, decided before any kernel
// is prepared: a host whose free memory, less the reserve, holds not even
// the run's smallest guest is left out with a warning when other hosts can
// run the cells; when none can, or some cell fits on no host, the run stops
// with one line (HostError, exit 3) naming the host, what it has, what one
// guest needs and what to do. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kmx::runner {

struct HostOffer {
  std::string name;               // for messages: the URI, or "this machine"
  uint64_t available_memory = 0;  // bytes free there now
};

struct GuestNeed {
  std::string cell;   // its name
  uint64_t memory;    // host memory one guest of it takes (host_memory_for)
};

struct Admission {
  std::vector<size_t> hosts;          // indexes of the hosts kept, in the order given
  std::vector<std::string> warnings;  // one line per host left out
};

// `reserve` is kept free on every host. No guests (nothing left to run): every host is kept.
Admission admit_hosts(const std::vector<HostOffer>& hosts, const std::vector<GuestNeed>& guests, uint64_t reserve);

}  // namespace kmx::runner
