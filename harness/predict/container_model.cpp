#include "predict/container_model.h"

#include <algorithm>

namespace kmx::predict {

namespace {

constexpr int64_t kPage = 4096;
constexpr int64_t kPtePageSpan = 2 << 20;  // one page of PTEs maps 2 MiB
// Of the guest's RAM the kernel manages (totalram_pages): 458044K and 464720K
// of 523768K on the seed runs' 6.1 and 5.10 ("Memory: ..." minus "reserved").
constexpr int64_t kManagedPercent = 88;

int64_t pages_of(uint64_t bytes) { return static_cast<int64_t>(bytes) / kPage; }
int64_t pages_up(uint64_t bytes) { return (static_cast<int64_t>(bytes) + kPage - 1) / kPage; }

}  // namespace

ContainerModel container_model(const matrix::Cell& cell, const AgentBaseline& b) {
  ContainerModel m;
  const int64_t limit = pages_of(cell.container.limit);
  // memsw_limit 0 means "no swap use": the agent sets memory+swap to the limit.
  const int64_t memsw = cell.container.memsw_limit ? pages_of(cell.container.memsw_limit) : limit;
  m.swap_pages = cell.guest.swap ? std::max<int64_t>(pages_of(cell.guest.swap) - 1, 0) : 0;
  // mem_cgroup_get_limit() (2.6.32-4.18) / mem_cgroup_get_max() (4.19+).
  m.totalpages = limit + std::min(m.swap_pages, std::max<int64_t>(memsw - limit, 0));
  m.system_totalpages = pages_of(cell.run.guest_memory) * kManagedPercent / 100 + m.swap_pages;

  const matrix::WorkloadSettings& w = cell.workload;
  const int64_t size = pages_up(w.size);
  const int64_t child_charge = b.child_pages + size;
  const int64_t child_ptes = b.pagetables + (static_cast<int64_t>(w.size) + kPtePageSpan - 1) / kPtePageSpan;
  m.concurrent_children =
      w.fork_pacing_ms == 0 ? w.procs
                            : static_cast<int>(std::min<uint64_t>(w.procs, w.hold_ms / w.fork_pacing_ms + 1));
  const int64_t base = (1 + b.helpers) * b.init_pages + b.parent_pages;
  m.demand_pages = base + m.concurrent_children * child_charge;
  m.fits = m.demand_pages <= m.totalpages;

  // The children alive when the charge first fails: as many as fit, and the
  // one whose touching failed, partway.
  const int64_t room = std::max<int64_t>(m.totalpages - base, 0);
  const int full = static_cast<int>(std::min<int64_t>(m.concurrent_children, room / child_charge));
  const int64_t partial = m.fits ? 0 : room - full * child_charge;

  const bool root = w.uid == 0;
  // The swap share: at the first OOM the memcg holds limit pages in RAM and the rest in swap.
  const auto memory = [&](int64_t charged, int64_t ptes, int64_t vm) {
    const int64_t swap = m.totalpages ? charged * (m.totalpages - limit) / m.totalpages : 0;
    return TaskMemory{charged - swap, swap, ptes, vm};
  };
  int id = 0;
  int64_t seq = 0;
  const auto add = [&](outcome::Role role, int parent, bool is_root, TaskMemory mem) {
    m.tasks.push_back(WalkTask{++id, parent, ++seq, role, TaskFacts{mem, is_root, 0, 0}});
    return id;
  };
  const int init = add(outcome::Role::init, 0, true, memory(b.init_pages, b.pagetables, b.total_vm));
  for (int i = 0; i < b.helpers; ++i)
    add(outcome::Role::helper, init, true, memory(b.init_pages, b.pagetables, b.total_vm));
  const int parent = add(outcome::Role::parent, init, root, memory(b.parent_pages, b.pagetables, b.total_vm));
  for (int i = 0; i < full; ++i)
    add(outcome::Role::child, parent, root, memory(child_charge, child_ptes, b.total_vm + size));
  if (partial > 0 && full < m.concurrent_children)
    add(outcome::Role::child, parent, root, memory(std::min(partial, child_charge), child_ptes, b.total_vm + size));
  return m;
}

}  // namespace kmx::predict
