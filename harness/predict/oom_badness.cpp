#include "predict/oom_badness.h"

#include <algorithm>

namespace kmx::predict {

int64_t legacy_badness(const TaskFacts& task) {
  int64_t points = task.memory.total_vm + task.children_vm;
  // CAP_SYS_ADMIN or CAP_SYS_RESOURCE: / 4; CAP_SYS_RAWIO: / 4 again.
  if (task.root) points = points / 4 / 4;
  if (task.oom_score_adj > 0) points = std::max<int64_t>(points, 1) << task.oom_score_adj;
  if (task.oom_score_adj < 0) points >>= -task.oom_score_adj;
  return points;
}

int64_t thousand_scale_badness(const TaskFacts& task, int64_t totalpages) {
  totalpages = std::max<int64_t>(totalpages, 1);  // "a limit of 0 bytes": the kernel's guard
  int64_t points = task.memory.pages() * 1000 / totalpages;
  if (task.root) points -= 30;
  points += task.oom_score_adj;
  if (points <= 0) return 1;
  return std::min<int64_t>(points, 1000);
}

int64_t page_scale_badness(const OomRules& rules, const TaskFacts& task, int64_t totalpages) {
  int64_t points = task.memory.pages();
  int64_t adj = task.oom_score_adj;
  if (task.root) {
    if (rules.root_bonus == RootBonus::minus_30_per_mille) adj -= 30;
    if (rules.root_bonus == RootBonus::three_percent) points -= points * 3 / 100;
  }
  points += adj * (totalpages / 1000);
  if (rules.floor_at_one && points <= 0) return 1;
  return points;
}

int64_t badness(const OomRules& rules, const TaskFacts& task, int64_t totalpages) {
  switch (rules.family) {
    case image::OomFamily::legacy: return legacy_badness(task);
    case image::OomFamily::thousand_scale: return thousand_scale_badness(task, totalpages);
    case image::OomFamily::page_scale: return page_scale_badness(rules, task, totalpages);
  }
  return 0;
}

int64_t printed_score(const OomRules& rules, int64_t points, int64_t totalpages) {
  if (rules.family != image::OomFamily::page_scale) return points;
  return points * 1000 / std::max<int64_t>(totalpages, 1);
}

int64_t proc_oom_score(const OomRules& rules, int64_t points, int64_t system_totalpages) {
  const int64_t total = std::max<int64_t>(system_totalpages, 1);
  switch (rules.proc_scale) {
    case ProcScale::badness: return points;
    case ProcScale::per_mille: return points * 1000 / total;
    case ProcScale::two_thirds: return (1000 + points * 1000 / total) * 2 / 3;
  }
  return 0;
}

}  // namespace kmx::predict
