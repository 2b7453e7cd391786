// The tasks a cell puts in its memory cgroup, as the model assumes them at
// the first OOM: the container init, its two helpers, the workload parent and
// the children alive by then, oldest first, each with the pages it holds.
// The agent's own processes hold a measured baseline (kAgentBaseline); a
// child holds that plus the cell's size. Pure.
#pragma once

#include <cstdint>
#include <vector>

#include "matrix/cell.h"
#include "predict/oom_choice.h"

namespace kmx::predict {

// Pages of the agent's processes as Debian 12's 6.1 and 11's 5.10 printed them
// in the OOM task tables of the seed and smoke runs (rss + swapents,
// pgtables_bytes / 4096, total_vm); docs/predict.md has the rows.
struct AgentBaseline {
  int64_t init_pages = 19;      // ctinit and each helper: rss + swap
  int64_t parent_pages = 39;    // wlparent before it forks
  int64_t child_pages = 30;     // a wlchild besides the memory it touches
  int64_t pagetables = 10;      // every process; a child adds one per 2 MiB it touches
  int64_t total_vm = 202;       // the static agent's mappings; a child adds its size
  int helpers = 2;
};
inline constexpr AgentBaseline kAgentBaseline{};

struct ContainerModel {
  int64_t totalpages = 0;         // what the memcg killer divides by: min(limit + swap, memory+swap limit)
  int64_t swap_pages = 0;         // of the guest's swap device (its first page is the header)
  int64_t system_totalpages = 0;  // RAM + swap of the guest, what /proc/PID/oom_score divides by
  int64_t demand_pages = 0;       // every task at once, charged pages (rss + swap)
  int concurrent_children = 0;    // alive at once (fork pacing against the hold)
  bool fits = false;              // demand <= totalpages: no OOM
  std::vector<WalkTask> tasks;    // at the first OOM, oldest first; ids 1 (init), 2.. helpers, parent, children
};

ContainerModel container_model(const matrix::Cell& cell, const AgentBaseline& baseline = kAgentBaseline);

}  // namespace kmx::predict
