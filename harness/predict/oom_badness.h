// The badness score of one task, one function per scoring family, each
// written from mm/oom_kill.c of its era (the function and versions are named
// at each). Pure: memory in 4 KiB pages in, points out.
#pragma once

#include <cstdint>

#include "predict/oom_rules.h"

namespace kmx::predict {

struct TaskMemory {
  int64_t rss = 0;         // resident pages (anon + file + shmem)
  int64_t swap = 0;        // swap entries
  int64_t pagetables = 0;  // page-table pages (nr_ptes [+ nr_pmds], or pgtables_bytes / 4096)
  int64_t total_vm = 0;    // mapped pages; only the legacy badness() reads it

  int64_t pages() const { return rss + swap + pagetables; }
};

struct TaskFacts {
  TaskMemory memory;
  bool root = false;      // CAP_SYS_ADMIN (and, for legacy, CAP_SYS_RESOURCE/RAWIO)
  int oom_score_adj = 0;  // legacy: oom_adj (-16..15), shifts; later: -1000..1000
  // Legacy only: the sum over the task's children with their own mm of
  // total_vm / 2 + 1 ("processes which fork a lot of child processes").
  int64_t children_vm = 0;
};

// badness(), mm/oom_kill.c of 2.6.12-2.6.35: total_vm plus half of each
// child's, CPU and run time assumed below the first unit (the tasks of a
// cell are seconds old), root / 4 / 4, oom_adj shifts.
int64_t legacy_badness(const TaskFacts& task);

// oom_badness(), mm/oom_kill.c of 2.6.36 (a63d83f427fb) to 3.7, and RHEL 6's
// backport in 2.6.32-71.el6 on: (rss + nr_ptes + swap) * 1000 / totalpages,
// truncated; root -30; + oom_score_adj; <= 0 -> 1; at most 1000.
int64_t thousand_scale_badness(const TaskFacts& task, int64_t totalpages);

// oom_badness(), mm/oom_kill.c of 3.8 (a7f638f999ff) on: rss + page tables +
// swap in pages; the root bonus of `rules`; oom_score_adj * totalpages / 1000
// added; <= 0 -> 1 until 5.9.
int64_t page_scale_badness(const OomRules& rules, const TaskFacts& task, int64_t totalpages);

// The family's function.
int64_t badness(const OomRules& rules, const TaskFacts& task, int64_t totalpages);

// The score of the choice line "Kill process N (comm) score S or sacrifice
// child" (until 5.0): the points themselves, or on page-scale kernels
// points * 1000 / totalpages.
int64_t printed_score(const OomRules& rules, int64_t points, int64_t totalpages);

// /proc/PID/oom_score (fs/proc/base.c proc_oom_score()) from the badness the
// kernel computes there, with totalpages = RAM + swap of the whole system.
int64_t proc_oom_score(const OomRules& rules, int64_t points, int64_t system_totalpages);

}  // namespace kmx::predict
