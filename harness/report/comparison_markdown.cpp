#include "report/comparison_markdown.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/cell_labels.h"
#include "report/markdown.h"

namespace kmx::report {

namespace {

std::string time_text(const compare::CellComparison& c) {
  if (!c.base_ms || !c.candidate_ms) return "";
  const auto ms = [](double v) { return seconds(static_cast<int64_t>(v)); };
  const char* word = c.time == compare::TimeChange::slower ? " slower" : c.time == compare::TimeChange::faster ? " faster" : "";
  return fmt::format("{} → {}{}", ms(*c.base_ms), ms(*c.candidate_ms), word);
}

// Regressions first, then what else changed, unchanged last; base order within.
int order(compare::Change change) {
  using compare::Change;
  switch (change) {
    case Change::regression: return 0;
    case Change::improvement: return 1;
    case Change::flaky: return 2;
    case Change::inconclusive: return 3;
    case Change::added: return 4;
    case Change::removed: return 5;
    case Change::unchanged: return 6;
  }
  return 7;
}

// A flaky cell whose candidate did what the base usually does is no news.
bool worth_a_row(const compare::CellComparison& c) {
  if (c.time != compare::TimeChange::none) return true;
  if (c.change == compare::Change::flaky)
    return c.candidate.flaky() || c.candidate.modal() != c.base.modal();
  return c.change != compare::Change::unchanged;
}

}  // namespace

std::string comparison_markdown(const compare::Comparison& cmp, const std::string& base_label,
                                const std::string& candidate_label, bool all) {
  using compare::Change;
  std::string out = fmt::format(
      "## kmatrix compare: {} → {}\n\n**{} regression(s)**, {} improvement(s), {} flaky, {} inconclusive, {} added, "
      "{} removed, {} unchanged; times: {} slower, {} faster\n\n",
      base_label, candidate_label, cmp.count(Change::regression), cmp.count(Change::improvement),
      cmp.count(Change::flaky), cmp.count(Change::inconclusive), cmp.count(Change::added), cmp.count(Change::removed),
      cmp.count(Change::unchanged), cmp.count(compare::TimeChange::slower), cmp.count(compare::TimeChange::faster));
  // "0 regression(s)" of a comparison that compared nothing must not pass for good news.
  if (cmp.paired() == 0 && !cmp.cells.empty())
    out += "**Inconclusive: no cell of one side is the same experiment as a cell of the other; nothing was "
           "compared.**\n\n";
  std::vector<const compare::CellComparison*> shown;
  for (const compare::CellComparison& c : cmp.cells)
    if (all || worth_a_row(c)) shown.push_back(&c);
  std::stable_sort(shown.begin(), shown.end(), [](auto* a, auto* b) { return order(a->change) < order(b->change); });
  Table t{{"change", "cell", "base", "candidate", "why", "workload time"}, {}};
  for (const compare::CellComparison* c : shown)
    t.rows.push_back({std::string(to_string(c->change)), c->name, c->base.text(), c->candidate.text(), c->reason,
                      time_text(*c)});
  if (!t.rows.empty()) out += markdown_table(t);
  return out;
}

}  // namespace kmx::report
