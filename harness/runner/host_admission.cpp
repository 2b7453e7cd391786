#include "runner/host_admission.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/error.h"

namespace kmx::runner {

namespace {

uint64_t mib(uint64_t bytes) { return bytes >> 20; }

uint64_t budget(const HostOffer& host, uint64_t reserve) {
  return host.available_memory > reserve ? host.available_memory - reserve : 0;
}

}  // namespace

Admission admit_hosts(const std::vector<HostOffer>& hosts, const std::vector<GuestNeed>& guests, uint64_t reserve) {
  Admission admission;
  if (guests.empty()) {  // a resumed run with nothing left to do
    for (size_t i = 0; i < hosts.size(); ++i) admission.hosts.push_back(i);
    return admission;
  }
  const auto by_memory = [](const GuestNeed& a, const GuestNeed& b) { return a.memory < b.memory; };
  const GuestNeed& smallest = *std::min_element(guests.begin(), guests.end(), by_memory);
  const GuestNeed& largest = *std::max_element(guests.begin(), guests.end(), by_memory);
  const std::string what_to_do =
      hosts.size() > 1 ? "lower run.guest_memory, free memory on a host, or add a host with --connect"
                       : "lower run.guest_memory, free memory on the host, or run on a larger one";

  std::vector<std::string> too_small;
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (budget(hosts[i], reserve) >= smallest.memory) {
      admission.hosts.push_back(i);
      continue;
    }
    too_small.push_back(fmt::format("{} has {} MiB free", hosts[i].name, mib(hosts[i].available_memory)));
    admission.warnings.push_back(fmt::format(
        "kmatrix: warning: host {} has {} MiB free, less than one guest of this run needs ({} MiB for cell '{}', plus "
        "the {} MiB reserve); it runs no cell of this run",
        hosts[i].name, mib(hosts[i].available_memory), mib(smallest.memory), smallest.cell, mib(reserve)));
  }
  if (admission.hosts.empty())
    throw HostError(fmt::format("{}, but one guest of this run needs {} MiB (cell '{}') beyond the {} MiB reserve; {}",
                                fmt::join(too_small, ", "), mib(smallest.memory), smallest.cell, mib(reserve),
                                what_to_do));
  const size_t roomiest = *std::max_element(admission.hosts.begin(), admission.hosts.end(), [&](size_t a, size_t b) {
    return hosts[a].available_memory < hosts[b].available_memory;
  });
  if (budget(hosts[roomiest], reserve) < largest.memory)
    throw HostError(fmt::format("{} has {} MiB free, but cell '{}' needs {} MiB beyond the {} MiB reserve{}; {}",
                                hosts[roomiest].name, mib(hosts[roomiest].available_memory), largest.cell,
                                mib(largest.memory), mib(reserve),
                                admission.hosts.size() > 1 ? " (the roomiest host of this run)" : "", what_to_do));
  return admission;
}

}  // namespace kmx::runner
