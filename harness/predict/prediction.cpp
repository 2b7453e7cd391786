#include "predict/prediction.h"

#include <fmt/format.h>

#include <algorithm>

#include "predict/oom_choice.h"

namespace kmx::predict {

namespace {

using outcome::Role;

std::string mib(int64_t pages) { return fmt::format("{:.0f} MiB", static_cast<double>(pages) / 256.0); }

// The kills of successive OOM runs: each removes its victim; a killed helper
// is respawned by the init (a new, youngest child of it), and the children of
// a killed parent are reparented to the init (the PID namespace's reaper),
// appended to its children list.
std::vector<Role> play_kills(const OomRules& rules, std::vector<WalkTask> tasks, int64_t totalpages) {
  std::vector<Role> victims;
  int next_id = 0;
  int64_t next_seq = 0;
  for (const WalkTask& t : tasks) {
    next_id = std::max(next_id, t.id);
    next_seq = std::max(next_seq, t.sibling_seq);
  }
  const int init_id = tasks.empty() ? 0 : tasks.front().id;
  while (static_cast<int>(victims.size()) < kPredictedKills) {
    const std::optional<OomChoice> c = choose(rules, tasks, totalpages);
    if (!c) break;
    const WalkTask victim = tasks[c->victim];
    victims.push_back(victim.role);
    if (victim.role == Role::init) break;  // the container's PID namespace dies with it
    tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(c->victim));
    if (victim.role == Role::helper) {
      WalkTask respawned = victim;
      respawned.id = ++next_id;
      respawned.sibling_seq = ++next_seq;
      tasks.push_back(respawned);
    }
    if (victim.role == Role::parent)
      for (WalkTask& t : tasks)
        if (t.parent_id == victim.id) {
          t.parent_id = init_id;
          t.sibling_seq = ++next_seq;
        }
  }
  return victims;
}

const RoleScore* score_of(const Prediction& p, Role role) {
  for (const RoleScore& s : p.scores)
    if (s.role == role) return &s;
  return nullptr;
}

// Page-scale and legacy points (1000-scale ones are told with their fraction).
std::string points_text(const Prediction& p, const RoleScore& s) {
  return p.family == "legacy" ? fmt::format("badness {}", s.points) : fmt::format("{} points", s.points);
}

std::string ranking_text(std::vector<RoleScore> scores) {
  std::stable_sort(scores.begin(), scores.end(),
                   [](const RoleScore& a, const RoleScore& b) { return a.points > b.points; });
  std::string out;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (i > 0) out += scores[i].points == scores[i - 1].points ? " = " : " > ";
    out += fmt::format("{} {}", outcome::to_string(scores[i].role), scores[i].points);
  }
  return out;
}

std::string why_line(const Prediction& p, const OomRules& rules) {
  const RoleScore* child = score_of(p, Role::child);
  const RoleScore* init = score_of(p, Role::init);
  if (!child || !init) return "no workload child in the container";
  const int64_t pages = child->memory.pages();
  const double share = static_cast<double>(pages) / static_cast<double>(std::max<int64_t>(p.totalpages, 1));
  std::string out = fmt::format("each child {} pages = {:.3f}% of {}", pages, 100.0 * share, mib(p.totalpages));
  if (rules.family == image::OomFamily::thousand_scale)
    out += fmt::format(" -> 1000-scale {:.2f}{} -> {}", 1000.0 * share, child->root ? " - 30 (root)" : "",
                       child->points);
  else
    out += fmt::format(" -> {}{}", points_text(p, *child),
                       child->root && rules.root_bonus != RootBonus::none ? " (root bonus)" : "");
  const char* relation = child->points > init->points ? ">" : child->points == init->points ? "=" : "<";
  out += fmt::format(" {} init's {}", relation, init->points);
  if (p.ties_with_init)
    out += p.chosen == Role::init ? ": ties, the walk meets init first" : ": ties, the youngest wins";
  if (p.chosen) {
    out += fmt::format("; {} chosen", outcome::to_string(*p.chosen));
    if (!p.victims.empty() && p.victims.front() != *p.chosen)
      out += fmt::format(", its child {} sacrificed", outcome::to_string(p.victims.front()));
  }
  if (p.victims.size() > 1) out += fmt::format("; then {}", victims_text({p.victims.begin() + 1, p.victims.end()}));
  return out;
}

}  // namespace

std::string victims_text(const std::vector<Role>& victims) {
  std::string out;
  for (Role r : victims) out += (out.empty() ? "" : ", ") + std::string(outcome::to_string(r));
  return out;
}

std::string_view to_string(PredictedClass c) {
  switch (c) {
    case PredictedClass::workload_killed: return "workload-killed";
    case PredictedClass::wrong_victim: return "wrong-victim";
    case PredictedClass::no_kill: return "no-kill";
    case PredictedClass::unknown: return "unknown";
  }
  return "unknown";
}

Prediction predict(const matrix::Cell& cell, const std::optional<OomRules>& rules) {
  Prediction p;
  if (!rules) {
    p.why = "unknown: no model (no OOM scoring family covers this kernel)";
    return p;
  }
  p.family = std::string(image::to_string(rules->family));
  const ContainerModel m = container_model(cell);
  p.totalpages = m.totalpages;
  const std::vector<int64_t> points = walk_points(*rules, m.tasks, m.totalpages);
  const std::vector<int64_t> proc_points = walk_points(*rules, m.tasks, m.system_totalpages);
  for (Role role : {Role::init, Role::helper, Role::parent, Role::child})
    for (std::size_t i = 0; i < m.tasks.size(); ++i)
      if (m.tasks[i].role == role) {
        const WalkTask& t = m.tasks[i];
        p.scores.push_back(RoleScore{role, t.facts.root, t.facts.memory, points[i],
                                     printed_score(*rules, points[i], m.totalpages),
                                     proc_oom_score(*rules, proc_points[i], m.system_totalpages)});
        break;
      }

  p.ranking = ranking_text(p.scores);

  if (cell.container.oom_kill_disable) {
    p.predicted = PredictedClass::no_kill;
    p.why = "memory.oom_control disables the killer: tasks wait for memory, nothing is killed";
    return p;
  }
  if (m.fits) {
    p.predicted = PredictedClass::no_kill;
    p.why = fmt::format("demand {} ({} children at once) fits {}: no OOM", mib(m.demand_pages),
                        m.concurrent_children, mib(m.totalpages));
    return p;
  }
  if (const std::optional<OomChoice> c = choose(*rules, m.tasks, m.totalpages)) p.chosen = m.tasks[c->chosen].role;
  if (const RoleScore* child = score_of(p, Role::child))
    for (const RoleScore& s : p.scores)
      if ((s.role == Role::init || s.role == Role::helper) && s.points == child->points) p.ties_with_init = true;
  p.victims = play_kills(*rules, m.tasks, m.totalpages);
  p.predicted = p.victims.empty()                ? PredictedClass::no_kill
                : p.victims.front() == Role::child ? PredictedClass::workload_killed
                                                   : PredictedClass::wrong_victim;
  p.why = why_line(p, *rules);
  return p;
}

nlohmann::json to_json(const Prediction& p) {
  nlohmann::json scores = nlohmann::json::array();
  for (const RoleScore& s : p.scores)
    scores.push_back({{"role", outcome::to_string(s.role)},
                      {"root", s.root},
                      {"rss", s.memory.rss},
                      {"swap", s.memory.swap},
                      {"pagetables", s.memory.pagetables},
                      {"points", s.points},
                      {"shown", s.shown},
                      {"proc", s.proc}});
  nlohmann::json victims = nlohmann::json::array();
  for (Role r : p.victims) victims.push_back(outcome::to_string(r));
  return {{"family", p.family},
          {"class", to_string(p.predicted)},
          {"totalpages", p.totalpages},
          {"scores", scores},
          {"ranking", p.ranking},
          {"chosen", p.chosen ? nlohmann::json(outcome::to_string(*p.chosen)) : nlohmann::json(nullptr)},
          {"ties_with_init", p.ties_with_init},
          {"victims", victims},
          {"why", p.why}};
}

}  // namespace kmx::predict
