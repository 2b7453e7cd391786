#include "report/validation_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/cell_labels.h"
#include "report/escape.h"
#include "report/html_page.h"
#include "report/markdown.h"

namespace kmx::report {

namespace {

bool listed(const std::vector<const compare::CellComparison*>& cells, const compare::CellComparison& c) {
  return std::find(cells.begin(), cells.end(), &c) != cells.end();
}

std::string change_word(const compare::CellComparison& c, const compare::Validation& v) {
  if (listed(v.worse, c)) return "worse";
  if (std::any_of(v.unsettled.begin(), v.unsettled.end(), [&](const auto& u) { return u.cell == &c; }))
    return "unsettled";
  if (listed(v.better, c)) return "better";
  return "same";
}

std::string headline(const compare::Validation& v, const ValidationLabels& labels) {
  switch (v.safety) {
    case compare::Safety::safe:
      return fmt::format("safe: no cell is worse on {} than on {}, and every cell ran", labels.new_kernel,
                         labels.old_kernel);
    case compare::Safety::unsafe:
      return fmt::format("unsafe: {} cell(s) worse on {} than on {}", v.worse.size(), labels.new_kernel,
                         labels.old_kernel);
    case compare::Safety::inconclusive: break;
  }
  return fmt::format("inconclusive: no cell is worse on {}, but {} cell(s) are not settled", labels.new_kernel,
                     v.unsettled.size() + v.not_runnable.size());
}

// Both sides of a cell, its stories carrying outcomes, victims and stall.
struct SideBySide {
  std::string name, old_story, new_story, old_evidence, new_evidence;
};

SideBySide side_by_side(const compare::CellComparison& c, const ValidationLabels& labels) {
  const auto evidence = [&](const std::vector<const results::CellResult*>& records) {
    return records.empty() ? std::string("-") : labels.evidence(*records.front());
  };
  return {c.name, what_happened(c.base_records), what_happened(c.candidate_records), evidence(c.base_records),
          evidence(c.candidate_records)};
}

std::string markdown_cells(const std::vector<const compare::CellComparison*>& cells, const ValidationLabels& labels) {
  std::string out;
  for (const compare::CellComparison* c : cells) {
    const SideBySide s = side_by_side(*c, labels);
    out += fmt::format("- **{}**: OLD {} → NEW {} (evidence: `{}`, `{}`)\n", markdown_cell(s.name),
                       markdown_cell(s.old_story), markdown_cell(s.new_story), s.old_evidence, s.new_evidence);
  }
  return out + "\n";
}

std::string html_cells(const std::vector<const compare::CellComparison*>& cells, const ValidationLabels& labels) {
  std::string out = "<ul>\n";
  for (const compare::CellComparison* c : cells) {
    const SideBySide s = side_by_side(*c, labels);
    out += fmt::format("<li><b>{}</b>: OLD {} → NEW {} (evidence: <code>{}</code>, <code>{}</code>)</li>\n",
                       markup_escape(s.name), markup_escape(s.old_story), markup_escape(s.new_story),
                       markup_escape(s.old_evidence), markup_escape(s.new_evidence));
  }
  return out + "</ul>\n";
}

// The unsettled cells and the cells a kernel cannot run, as (cell, why, settle) rows.
Table unsettled_table(const compare::Validation& v) {
  Table t{{"cell", "why", "what would settle it"}, {}};
  for (const compare::Unsettled& u : v.unsettled) t.rows.push_back({u.cell->name, u.why, u.settle});
  for (const compare::NotRunnable& n : v.not_runnable)
    t.rows.push_back({n.cell, fmt::format("{} cannot run it: {}", n.kernel, n.why),
                      fmt::format("a {} kernel built with what the cell uses, or a matrix without the cell", n.kernel)});
  return t;
}

}  // namespace

Table validation_table(const compare::Comparison& cmp, const compare::Validation& v, const ValidationLabels& labels) {
  Table t{{"cell", "run as", "processes × size", "share of limit", "OLD " + labels.old_kernel,
           "NEW " + labels.new_kernel, "change"},
          {}};
  for (const compare::CellComparison& c : cmp.cells) {
    const results::CellResult& any = c.base_records.empty() ? *c.candidate_records.front() : *c.base_records.front();
    t.rows.push_back({c.name, run_as(any), procs_by_size(any), share_of_limit(any), what_happened(c.base_records),
                      what_happened(c.candidate_records), change_word(c, v)});
  }
  return t;
}

std::string validation_markdown(const compare::Comparison& cmp, const compare::Validation& v,
                                const ValidationLabels& labels) {
  std::string out = fmt::format("## kmatrix validate: {} → {}\n\n**{}**\n\n", markdown_cell(labels.old_kernel),
                                markdown_cell(labels.new_kernel), markdown_cell(headline(v, labels)));
  out += markdown_table(validation_table(cmp, v, labels)) + "\n";
  if (!v.worse.empty()) out += fmt::format("### Worse on NEW ({})\n\n", v.worse.size()) + markdown_cells(v.worse, labels);
  if (!v.better.empty())
    out += fmt::format("### Better on NEW ({})\n\n", v.better.size()) + markdown_cells(v.better, labels);
  const Table unsettled = unsettled_table(v);
  if (!unsettled.rows.empty())
    out += fmt::format("### Not settled ({})\n\n", unsettled.rows.size()) + markdown_table(unsettled) + "\n";
  return out;
}

std::string validation_html(const compare::Comparison& cmp, const compare::Validation& v,
                            const ValidationLabels& labels) {
  std::string body = fmt::format("<h1>kmatrix validate: {} → {}</h1>\n<p class=\"safety {}\">{}</p>\n",
                                 markup_escape(labels.old_kernel), markup_escape(labels.new_kernel),
                                 to_string(v.safety), markup_escape(headline(v, labels)));
  body += "<h2>Cells</h2>\n" + html_table(validation_table(cmp, v, labels), "cells");
  if (!v.worse.empty()) body += fmt::format("<h2>Worse on NEW ({})</h2>\n", v.worse.size()) + html_cells(v.worse, labels);
  if (!v.better.empty())
    body += fmt::format("<h2>Better on NEW ({})</h2>\n", v.better.size()) + html_cells(v.better, labels);
  const Table unsettled = unsettled_table(v);
  if (!unsettled.rows.empty())
    body += fmt::format("<h2>Not settled ({})</h2>\n", unsettled.rows.size()) + html_table(unsettled, "unsettled");
  return html_page(fmt::format("kmatrix validate {} → {}", labels.old_kernel, labels.new_kernel), body);
}

}  // namespace kmx::report
