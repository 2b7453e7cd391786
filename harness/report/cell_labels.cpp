#include "report/cell_labels.h"

#include <fmt/format.h>

#include <map>

#include "compare/distribution.h"
#include "outcome/roles.h"
#include "util/error.h"
#include "util/units.h"

namespace kmx::report {

namespace {

uint64_t parameter(const results::CellResult& c, const char* table, const char* key) {
  return c.parameters.value(table, nlohmann::json::object()).value(key, uint64_t{0});
}

std::string container_label(const results::CellResult& c) {
  const nlohmann::json ct = c.parameters.value("container", nlohmann::json::object());
  std::string label = fmt::format("{} {}", ct.value("cgroup", "?"), util::format_size(ct.value("limit", uint64_t{0})));
  if (const uint64_t memsw = ct.value("memsw_limit", uint64_t{0})) label += "+swap " + util::format_size(memsw);
  if (ct.value("oom_kill_disable", false)) label += " killer off";
  return label;
}

// A parameter path's value as text: "workload.procs" -> "40".
std::string parameter_text(const results::CellResult& c, std::string_view path) {
  const nlohmann::json* at = &c.parameters;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string key(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!at->is_object() || !at->contains(key))
      throw UsageError(fmt::format("unknown pivot dimension '{}': no such parameter", path));
    at = &(*at)[key];
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return at->is_string() ? at->get<std::string>() : at->dump();
}

using Dimension = std::string (*)(const results::CellResult&);

const std::map<std::string_view, Dimension>& dimensions() {
  static const std::map<std::string_view, Dimension> table = {
      {"cell", [](const results::CellResult& c) { return c.name; }},
      {"kernel", kernel_label},
      {"workload", [](const results::CellResult& c) { return run_as(c) + " " + procs_by_size(c); }},
      {"run-as", run_as},
      {"procs-size", procs_by_size},
      {"share", share_of_limit},
      {"container", container_label},
      {"outcome", [](const results::CellResult& c) { return c.outcome; }},
  };
  return table;
}

}  // namespace

std::string run_as(const results::CellResult& c) {
  const uint64_t uid = parameter(c, "workload", "uid");
  if (uid == 0) return "root";
  if (uid == 1000) return "non-root";
  return fmt::format("uid {}", uid);
}

std::string procs_by_size(const results::CellResult& c) {
  return fmt::format("{} × {}", parameter(c, "workload", "procs"), util::format_size(parameter(c, "workload", "size")));
}

std::string share_of_limit(const results::CellResult& c) {
  const uint64_t limit = parameter(c, "container", "limit");
  if (limit == 0) return "?";
  const double pct = 100.0 * static_cast<double>(parameter(c, "workload", "size")) / static_cast<double>(limit);
  // Three significant digits: the seed post's 1/1000 (0.1%) and 3% thresholds stay readable.
  return fmt::format("{:.3g}%", pct);
}

std::string kernel_label(const results::CellResult& c) {
  return c.kernel_release.empty() ? c.kernel_spec : c.kernel_release;
}

std::string victim_name(const nlohmann::json& victim) {
  return std::string(
      outcome::display_name(outcome::role_from_string(victim.value("role", "")), victim.value("comm", "?")));
}

bool is_workload_child(const nlohmann::json& victim) {
  if (victim.contains("role")) return victim.at("role") == outcome::to_string(outcome::Role::child);
  return victim.value("workload_child", false);
}

std::string victims_text(const results::CellResult& c) {
  std::map<std::string, int> by_comm;
  for (const nlohmann::json& v : c.victims) ++by_comm[victim_name(v)];
  std::string out;
  for (const auto& [comm, n] : by_comm) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, comm);
  return out;
}

std::string result_text(const results::CellResult& c) {
  std::string text = c.outcome;
  if (const std::string victims = victims_text(c); !victims.empty()) text += ": " + victims;
  if (!c.flags.empty()) text += fmt::format(" [{}]", fmt::join(c.flags, ","));
  return text;
}

std::string seconds(int64_t ms) { return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0); }

int64_t headline_ms(const results::CellResult& c) { return c.workload_ms.value_or(c.cell_ms); }

CellStatus cell_status(const results::CellResult& c) {
  if (c.outcome == "infra-error") return CellStatus::error;
  if (!c.expect.empty()) return compare::meets_expectation(c) ? CellStatus::pass : CellStatus::fail;
  return compare::is_failure(compare::result_class(c)) ? CellStatus::fail : CellStatus::pass;
}

const std::vector<std::string_view>& dimension_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& [name, _] : dimensions()) out.push_back(name);
    return out;
  }();
  return names;
}

std::string dimension_value(const results::CellResult& c, std::string_view dimension) {
  if (const auto it = dimensions().find(dimension); it != dimensions().end()) return it->second(c);
  if (dimension.find('.') != std::string_view::npos) return parameter_text(c, dimension);
  throw UsageError(fmt::format("unknown pivot dimension '{}': use one of {} or a parameter path such as "
                               "workload.procs",
                               dimension, fmt::join(dimension_names(), ", ")));
}

}  // namespace kmx::report
