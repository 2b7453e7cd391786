// Which cell runs, in what order, and how many at once: the scheduler's
// decisions as pure functions, so they are tested without a VM.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "matrix/cell.h"

namespace kmx::runner {

// One execution of a cell: repeats of a cell are separate runs with their
// own records.
struct CellRun {
  const matrix::Cell* cell = nullptr;
  std::string id;  // matrix::cell_id(*cell)
  int repeat = 0;  // 0-based
};

// --shard I/N: this machine runs the I-th of N disjoint parts (1-based).
struct Shard {
  int index = 1;
  int count = 1;
};

// "2/5" -> {2, 5}; UsageError unless 1 <= I <= N.
Shard parse_shard(const std::string& text);

// Deterministic by cell ID, so every repeat of a cell lands in one shard and
// N machines given 1/N..N/N together run every cell exactly once.
bool in_shard(const std::string& cell_id, const Shard& shard);

using RunKey = std::pair<std::string, int>;  // (cell ID, repeat)

// The runs still to do: each cell `repeat` times (0: its own run.repeat),
// only this shard's cells, none already in `done`. Cells of one kernel run
// back to back, kernels in the order the matrix first names them; otherwise
// the matrix's order.
// How many runs a cell gets: --repeat when given (> 0), else its run.repeat.
int repeats_of(const matrix::Cell& cell, int repeat);

std::vector<CellRun> plan_runs(const std::vector<matrix::Cell>& cells, int repeat, const Shard& shard,
                               const std::set<RunKey>& done);

// What one guest costs the host: its RAM plus QEMU's own (TCG's translation
// cache, device state), measured at well under 100 MiB here.
uint64_t host_memory_for(const matrix::Cell& cell);

// What a guest restored from a snapshot costs: its RAM is the snapshot's file
// mapped copy-on-write, shared page cache until written, so it takes only the
// pages it writes: what the container may hold (memory+swap limit, and the
// guest's RAM-backed swap device), the kernel's own for the workload's
// processes, and QEMU's. Never more than a cold guest.
uint64_t host_memory_restored(const matrix::Cell& cell);

// Host memory kept free whatever the budget: the host's own work, page cache.
inline constexpr uint64_t kHostReserve = 1ull << 30;

// --jobs default: one guest per host core's worth of guest CPUs, within the
// memory budget (available - reserve) for the largest guest; at least 1.
int default_jobs(int host_cpus, uint64_t host_available, const std::vector<CellRun>& runs);

// The memory budget: a run starts only if the guests already running plus it
// fit. The first run always may start if it fits the budget alone.
class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t budget) : budget_(budget) {}
  bool fits_alone(uint64_t need) const { return need <= budget_; }
  bool try_take(uint64_t need);
  void give_back(uint64_t need) { used_ -= need; }
  uint64_t used() const { return used_; }

 private:
  uint64_t budget_;
  uint64_t used_ = 0;
};

}  // namespace kmx::runner
