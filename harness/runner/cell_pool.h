// Runs cells concurrently: up to `jobs` guests at once, within a memory
// budget, each cell in its own thread with its own event loop. Verdicts come
// back to the calling thread, which alone writes results and prints.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/cell_session.h"
#include "runner/schedule.h"

namespace kmx::runner {

struct PoolSettings {
  int jobs = 1;
  uint64_t memory_budget = 0;  // bytes of host memory the guests may use together
  int total = 0;               // runs in the whole run (for "[done/total]"), done ones included
  int done = 0;                // of which already recorded (--resume)
};

// Runs one cell on a worker thread; nullopt when it was aborted.
using RunOne = std::function<std::optional<nlohmann::json>(const CellRun&, const Progress&)>;
// Called on the calling thread as each cell ends with a verdict.
using OnRecord = std::function<void(const CellRun&, const nlohmann::json&)>;

// Returns once every run has ended, or after an interrupt once the running
// ones have (see interrupt.h). A worker's exception stops new starts and is
// rethrown when the others have ended.
void run_pool(const std::vector<CellRun>& runs, const PoolSettings& settings, const RunOne& run_one,
              const OnRecord& on_record);

}  // namespace kmx::runner
