// What happened in a cell, in one line that a reader of the seed table can
// follow without opening the evidence: who was killed first, how long the
// container was livelocked, how it ended. Pure.
//
//   "wrong victims: helper, helper, wlparent → 48.2s livelock → 1186 children still stuck at 150.0s: container-hang"
//   "21 children OOM-killed → all children ended at 47.1s: oom-killed"
//   "no OOM kill → all children ended at 9.4s: completed"
#pragma once

#include <string>

#include "results/run_results.h"

namespace kmx::report {

std::string cell_story(const results::CellResult& c);

}  // namespace kmx::report
