// Runs cells concurrently on one host or several: on each, up to its jobs
// at once within its memory budget (host_schedule), each cell in its own
// thread with its own event loop. Verdicts come back to the calling thread,
// which alone writes results and prints.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/cell_session.h"
#include "runner/host_schedule.h"
#include "runner/schedule.h"

namespace kmx::runner {

struct PoolSettings {
  std::vector<HostLimits> hosts;  // one for QEMU run directly
  // Asked as each cell ends on a host: false once the host is lost. Its
  // remaining cells go to the others.
  std::function<bool(size_t host)> host_alive = [](size_t) { return true; };
  // What a run takes of its host's memory budget while it runs, asked when it
  // is about to start (a guest restored from a snapshot takes less than one
  // booted cold, schedule.h).
  std::function<uint64_t(const CellRun&)> charge = [](const CellRun& r) { return host_memory_for(*r.cell); };
  int total = 0;               // runs in the whole run (for "[done/total]"), done ones included
  int done = 0;                // of which already recorded (--resume)
};

// Where a run goes: the host (an index of PoolSettings::hosts) and the
// memory it was charged there.
struct Slot {
  size_t host = 0;
  uint64_t charged = 0;
};

// Runs one cell on a worker thread, in its slot; nullopt when it was aborted.
using RunOne = std::function<std::optional<nlohmann::json>(const CellRun&, const Slot&, const Progress&)>;
// Called on the calling thread as each cell ends with a verdict.
using OnRecord = std::function<void(const CellRun&, const nlohmann::json&)>;

// Returns once every run has ended, or after an interrupt once the running
// ones have (see interrupt.h). A worker's exception stops new starts and is
// rethrown when the others have ended; so is a HostError when no live host is
// left for the cells still to run.
void run_pool(const std::vector<CellRun>& runs, const PoolSettings& settings, const RunOne& run_one,
              const OnRecord& on_record);

}  // namespace kmx::runner
