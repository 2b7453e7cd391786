#include "report/cell_story.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "compare/distribution.h"
#include "outcome/roles.h"
#include "report/cell_labels.h"

namespace kmx::report {

namespace {

// Shorter stalls are the OOM path's normal work, not a livelock worth naming.
constexpr int64_t kLivelockWorthNaming_ms = 1000;

std::string children(int64_t n) { return n == 1 ? "1 child" : fmt::format("{} children", n); }

std::string kills_part(const results::CellResult& c) {
  std::vector<std::string> wrong;
  int n_children = 0;
  for (const nlohmann::json& v : c.victims) {
    if (is_workload_child(v))
      ++n_children;
    else
      wrong.push_back(victim_name(v));
  }
  if (!wrong.empty())
    return fmt::format("wrong victims: {}{}", fmt::join(wrong, ", "),
                       n_children ? ", then " + children(n_children) : "");
  if (n_children) return children(n_children) + " OOM-killed";
  return "no OOM kill";
}

// The parent killed by a signal, but not by the OOM killer (an injected
// fault, say): a step of its own, as its children outlive it.
std::optional<std::string> parent_part(const results::CellResult& c) {
  const std::string end = c.agent.value("wlparent", "");
  const std::string_view parent = outcome::process_name(outcome::Role::parent);
  const auto oom_killed = [&](const nlohmann::json& v) { return victim_name(v) == parent; };
  if (!end.starts_with("signal:") || std::any_of(c.victims.begin(), c.victims.end(), oom_killed)) return std::nullopt;
  return fmt::format("{} ended by {}, not by the OOM killer", parent, end);
}

std::string end_part(const results::CellResult& c) {
  const std::string at = seconds(headline_ms(c));
  const std::string cls = compare::result_class(c);
  if (c.outcome == "container-hang") {
    const int64_t live = c.agent.value("live", int64_t{-1});
    return live >= 0 ? fmt::format("{} still stuck at {}: {}", children(live), at, cls)
                     : fmt::format("still stuck at {}: {}", at, cls);
  }
  if (c.outcome == "completed" || c.outcome == "oom-killed") return fmt::format("all children ended at {}: {}", at, cls);
  return fmt::format("{} at {}", cls, at);
}

}  // namespace

std::string cell_story(const results::CellResult& c) {
  // Before the workload ran there is nothing to tell but why.
  if (c.outcome == "boot-failure" || c.outcome == "infra-error")
    return c.detail.empty() ? c.outcome : fmt::format("{}: {}", c.outcome, c.detail);
  std::vector<std::string> steps{kills_part(c)};
  if (auto parent = parent_part(c)) steps.push_back(std::move(*parent));
  const int64_t stall = c.record.value("timings", nlohmann::json::object()).value("longest_stall_ms", int64_t{0});
  if (stall >= kLivelockWorthNaming_ms) steps.push_back(seconds(stall) + " livelock");
  steps.push_back(end_part(c));
  return fmt::format("{}", fmt::join(steps, " → "));
}

}  // namespace kmx::report
