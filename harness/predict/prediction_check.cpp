#include "predict/prediction_check.h"

#include <fmt/format.h>

#include <algorithm>

namespace kmx::predict {

namespace {

using outcome::Role;

std::string first_text(const std::optional<Role>& first) {
  return first == Role::child ? "a child first" : fmt::format("the {} first", outcome::to_string(*first));
}

std::string observed_text(const Observed& o) {
  if (!o.first_victim) return "nothing killed";
  return fmt::format("{} kill(s), {} of them children, {}", o.kills, o.child_kills, first_text(o.first_victim));
}

std::string predicted_text(const Prediction& p) {
  if (p.predicted == PredictedClass::unknown) return "no model";
  if (p.victims.empty()) return "nothing killed";
  return first_text(p.victims.front());
}

}  // namespace

Observed observed_of(const nlohmann::json& victims) {
  Observed o;
  if (!victims.is_array()) return o;
  for (const nlohmann::json& v : victims) {
    std::optional<Role> role;
    if (v.contains("role") && v["role"].is_string()) role = outcome::role_from_string(v["role"].get<std::string>());
    // Records made before roles: the role the name tells (outcome::Roles' fallback).
    if (!role) role = outcome::Roles{}.of(v.value("pid", 0), v.value("comm", ""));
    const Role r = role.value_or(Role::other);
    if (!o.first_victim) o.first_victim = r;
    ++o.kills;
    if (r == Role::child) ++o.child_kills;
  }
  if (o.first_victim)
    o.cls = *o.first_victim == Role::child ? PredictedClass::workload_killed : PredictedClass::wrong_victim;
  return o;
}

matrix::Cell cell_of_parameters(const nlohmann::json& p) {
  matrix::Cell cell;
  const auto get = [&](const char* section, const char* key, auto fallback) {
    const nlohmann::json& s = p.value(section, nlohmann::json::object());
    return s.value(key, fallback);
  };
  cell.run.kernel = get("run", "kernel", cell.run.kernel);
  cell.run.guest_memory = get("run", "guest_memory", cell.run.guest_memory);
  cell.container.cgroup = get("container", "cgroup", cell.container.cgroup);
  cell.container.limit = get("container", "limit", cell.container.limit);
  cell.container.memsw_limit = get("container", "memsw_limit", cell.container.memsw_limit);
  cell.container.oom_kill_disable = get("container", "oom_kill_disable", cell.container.oom_kill_disable);
  cell.workload.procs = get("workload", "procs", cell.workload.procs);
  cell.workload.size = get("workload", "size", cell.workload.size);
  cell.workload.hold_ms = get("workload", "hold_ms", cell.workload.hold_ms);
  cell.workload.uid = get("workload", "uid", cell.workload.uid);
  cell.workload.fork_pacing_ms = get("workload", "fork_pacing_ms", cell.workload.fork_pacing_ms);
  cell.guest.swap = get("guest", "swap", cell.guest.swap);
  return cell;
}

CheckRow check_cell(const std::string& run, const results::CellResult& cell) {
  CheckRow row;
  row.run = run;
  row.cell = cell.name;
  row.release = cell.kernel_release;
  row.predicted = predict(cell_of_parameters(cell.parameters), oom_rules_of(cell.kernel_release));
  row.observed = observed_of(cell.victims);
  const std::optional<Role> predicted_first =
      row.predicted.victims.empty() ? std::nullopt : std::optional<Role>(row.predicted.victims.front());
  row.class_right = row.predicted.predicted == row.observed.cls;
  row.victim_right = row.predicted.predicted != PredictedClass::unknown && predicted_first == row.observed.first_victim;
  if (!row.class_right || !row.victim_right)
    row.reason = fmt::format("the kernel: {}; the model: {}", observed_text(row.observed), predicted_text(row.predicted));
  return row;
}

std::vector<FamilyAccuracy> accuracy(const std::vector<CheckRow>& rows) {
  std::vector<FamilyAccuracy> out;
  for (const CheckRow& r : rows) {
    auto it = std::find_if(out.begin(), out.end(), [&](const FamilyAccuracy& a) { return a.family == r.predicted.family; });
    if (it == out.end()) it = out.insert(out.end(), FamilyAccuracy{r.predicted.family, 0, 0, 0});
    ++it->cells;
    it->class_right += r.class_right;
    it->victim_right += r.victim_right;
  }
  return out;
}

}  // namespace kmx::predict
