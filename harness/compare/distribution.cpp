#include "compare/distribution.h"

#include <fmt/format.h>

#include <unordered_map>

namespace kmx::compare {

std::string result_class(const results::CellResult& c) {
  if (c.outcome == "oom-killed" && c.has_flag("wrong-victim")) return "oom-killed/wrong-victim";
  return c.outcome;
}

bool meets_expectation(const results::CellResult& c) { return !c.expect.empty() && result_class(c) == c.expect; }

int severity(std::string_view cls) {
  static const std::map<std::string_view, int> ranks = {
      {"completed", 0}, {"oom-killed", 1}, {"oom-killed/wrong-victim", 2}, {"container-hang", 3},
      {"guest-hang", 4}, {"panic", 5},     {"boot-failure", 6},
  };
  const auto it = ranks.find(cls);
  return it == ranks.end() ? -1 : it->second;
}

bool is_failure(std::string_view cls) { return severity(cls) >= 2; }
bool is_hang(std::string_view cls) { return cls == "container-hang" || cls == "guest-hang"; }

void Distribution::add(const std::string& cls, int count) {
  counts[cls] += count;
  if (severity(cls) < 0) return;
  samples += count;
  hangs += is_hang(cls) ? count : 0;
  failures += is_failure(cls) ? count : 0;
}

bool Distribution::flaky() const {
  int classes = 0;
  for (const auto& [cls, n] : counts) classes += severity(cls) >= 0;
  return classes > 1;
}

std::string Distribution::modal() const {
  std::string best;
  int best_n = 0;
  for (const auto& [cls, n] : counts)
    if (severity(cls) >= 0 && n > best_n) best = cls, best_n = n;
  return best;
}

std::string Distribution::text() const {
  std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [cls, n] : sorted) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", cls, n);
  return out;
}

std::vector<CellGroup> group_by_cell(const std::vector<const results::CellResult*>& cells) {
  std::vector<CellGroup> groups;
  std::unordered_map<std::string, size_t> index;
  for (const results::CellResult* c : cells) {
    const auto [it, fresh] = index.emplace(c->cell_id, groups.size());
    if (fresh) groups.push_back({c->cell_id, {}, {}});
    CellGroup& g = groups[it->second];
    g.records.push_back(c);
    g.distribution.add(*c);
  }
  return groups;
}

std::vector<CellGroup> group_by_cell(const std::vector<results::CellResult>& cells) {
  std::vector<const results::CellResult*> pointers;
  for (const results::CellResult& c : cells) pointers.push_back(&c);
  return group_by_cell(pointers);
}

std::string rate_text(int hits, int trials) {
  if (trials == 0) return "-";
  const Interval ci = wilson(hits, trials);
  return fmt::format("{:.1f}% [{:.1f}%, {:.1f}%]", 100.0 * hits / trials, 100 * ci.low, 100 * ci.high);
}

}  // namespace kmx::compare
