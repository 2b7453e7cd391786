#include "predict/oom_choice.h"

#include <algorithm>
#include <unordered_map>

namespace kmx::predict {

namespace {

// The children of `parent` in the order of its children list.
std::vector<std::size_t> children_of(const std::vector<WalkTask>& tasks, int parent) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < tasks.size(); ++i)
    if (tasks[i].parent_id == parent) out.push_back(i);
  std::stable_sort(out.begin(), out.end(),
                   [&](std::size_t a, std::size_t b) { return tasks[a].sibling_seq < tasks[b].sibling_seq; });
  return out;
}

}  // namespace

std::vector<int64_t> walk_points(const OomRules& rules, const std::vector<WalkTask>& tasks, int64_t totalpages) {
  std::unordered_map<int, int64_t> children_vm;
  if (rules.family == image::OomFamily::legacy)
    for (const WalkTask& t : tasks)
      if (t.parent_id != 0) children_vm[t.parent_id] += t.facts.memory.total_vm / 2 + 1;
  std::vector<int64_t> points;
  points.reserve(tasks.size());
  for (const WalkTask& t : tasks) {
    TaskFacts facts = t.facts;
    if (const auto it = children_vm.find(t.id); it != children_vm.end()) facts.children_vm = it->second;
    points.push_back(badness(rules, facts, totalpages));
  }
  return points;
}

std::optional<OomChoice> choose(const OomRules& rules, const std::vector<WalkTask>& tasks, int64_t totalpages) {
  if (tasks.empty()) return std::nullopt;
  const std::vector<int64_t> points = walk_points(rules, tasks, totalpages);
  OomChoice c;
  c.chosen_points = points[0];
  for (std::size_t i = 1; i < tasks.size(); ++i)
    if (points[i] > c.chosen_points || (rules.youngest_wins_ties && points[i] == c.chosen_points)) {
      c.chosen = i;
      c.chosen_points = points[i];
    }
  c.victim = c.chosen;
  c.victim_points = c.chosen_points;
  if (!rules.sacrifice_child) return c;
  const std::vector<std::size_t> children = children_of(tasks, tasks[c.chosen].id);
  if (children.empty()) return c;
  if (rules.family == image::OomFamily::legacy) {
    // 2.6.35 oom_kill_process(): "Try to kill a child first", the first one.
    c.victim = children.front();
    c.victim_points = points[c.victim];
    return c;
  }
  // 2.6.36-5.0 oom_kill_process(): victim_points starts at 0, so the child
  // with the most points (the first of equals) replaces its parent.
  int64_t best = 0;
  for (std::size_t i : children)
    if (points[i] > best) {
      best = points[i];
      c.victim = i;
      c.victim_points = best;
    }
  return c;
}

}  // namespace kmx::predict
