// The agent's counters over time as a small inline SVG: memcg usage against
// the limit, and workload children alive and killed. Pure; numbers only, so
// nothing in it needs escaping.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/evidence.h"

namespace kmx::report {

// "" when there are fewer than two samples.
std::string counters_chart(const std::vector<CounterSample>& samples, uint64_t limit_bytes);

}  // namespace kmx::report
