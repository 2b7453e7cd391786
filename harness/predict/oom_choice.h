// Which task an OOM killer run picks and which one it kills, as the kernel
// walks its task list: select_bad_process() / mem_cgroup_out_of_memory()
// take the task with the most points (of equals the oldest or the youngest,
// OomRules::youngest_wins_ties), then oom_kill_process() may sacrifice a
// child of it. Pure; the tasks are given oldest first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "outcome/roles.h"
#include "predict/oom_badness.h"

namespace kmx::predict {

struct WalkTask {
  int id = 0;         // a pid, or any number unique in the walk
  int parent_id = 0;  // 0: none in the walk
  int64_t sibling_seq = 0;  // position in the parent's children list (reparenting appends)
  outcome::Role role = outcome::Role::other;
  TaskFacts facts;
};

struct OomChoice {
  std::size_t chosen = 0;  // index into the walk
  int64_t chosen_points = 0;
  std::size_t victim = 0;  // the chosen task, or the child sacrificed for it
  int64_t victim_points = 0;
};

// The points of every task of the walk under `rules` (legacy: with its
// children's total_vm), in walk order.
std::vector<int64_t> walk_points(const OomRules& rules, const std::vector<WalkTask>& tasks, int64_t totalpages);

// nullopt for an empty walk.
std::optional<OomChoice> choose(const OomRules& rules, const std::vector<WalkTask>& tasks, int64_t totalpages);

}  // namespace kmx::predict
