// What a kernel's OOM killer does with a memory cgroup's tasks, beyond the
// scoring family of image/oom_family.h: which root bonus, whether it
// sacrifices a child of the chosen task, whether a score of 0 or below
// becomes 1, and how /proc/PID/oom_score shows the score. Keyed on the family
// and the version; docs/predict.md lists the sources.
#pragma once

#include <optional>
#include <string_view>

#include "image/kernel_version.h"
#include "image/oom_family.h"

namespace kmx::predict {

enum class RootBonus {
  none,                // 4.17+: d46078b28889 removed it
  divide_by_sixteen,   // legacy badness(): CAP_SYS_ADMIN /4, CAP_SYS_RAWIO /4 (root has both)
  minus_30_per_mille,  // 2.6.36-3.13: 30 units of the 0-1000 scale (3% of the limit)
  three_percent,       // 3.14-4.16: "mm, oom: base root bonus on current usage", 3% of the task's own pages
};

enum class ProcScale {
  badness,       // legacy and 1000-scale: /proc shows oom_badness() itself
  per_mille,     // 3.8-5.8: badness * 1000 / totalpages
  two_thirds,    // 5.9+: (1000 + badness * 1000 / totalpages) * 2 / 3
};

struct OomRules {
  image::OomFamily family;
  image::KernelVersion version;
  RootBonus root_bonus;
  bool sacrifice_child;  // "prefer children over parent", until bbbe48029720 (5.1)
  bool floor_at_one;     // an eligible task scores at least 1, until 5.9 (9066e5cfb73c)
  // Of tasks with equal points the youngest is chosen from 3.6 on, whose
  // memcg killer walks the cgroup's own tasks ("mm, memcg: introduce own oom
  // handler to iterate only over its own threads"; the 3.10.105 log's ties
  // go to the youngest child), and from 4.8 on oom_evaluate_task() replaces
  // the chosen task on equal points (the Debian 5.10-6.12 logs). Before 3.6
  // the memcg killer walks the global task list oldest first and only more
  // points replace: the oldest, the container's init, wins (2.6.32-el6, 3.4).
  bool youngest_wins_ties;
  ProcScale proc_scale;
};

// The rules of a release ("2.6.32-431.el6.x86_64", "6.1.0-57-amd64");
// nullopt when no family covers it (no version number, or outside the table).
std::optional<OomRules> oom_rules_of(std::string_view release);

OomRules oom_rules(image::OomFamily family, image::KernelVersion version);

}  // namespace kmx::predict
