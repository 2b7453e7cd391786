#include "report/html.h"

#include <fmt/format.h>

#include "compare/distribution.h"
#include "report/cell_labels.h"
#include "report/cell_story.h"
#include "report/escape.h"
#include "report/html_page.h"
#include "report/svg_chart.h"
#include "report/tables.h"

namespace kmx::report {

namespace {

constexpr std::array<std::string_view, 8> kClasses = {"completed",      "oom-killed", "oom-killed/wrong-victim",
                                                      "container-hang", "guest-hang", "panic",
                                                      "boot-failure",   "infra-error"};

// A CSS class from a result class; only known names get through.
std::string css_class(std::string_view result_class) {
  if (std::find(kClasses.begin(), kClasses.end(), result_class) == kClasses.end()) return "o-unknown";
  std::string out = "o-" + std::string(result_class);
  std::replace(out.begin(), out.end(), '/', '-');
  return out;
}

std::string anchor(const results::CellResult& c) { return fmt::format("cell-{}-{}", c.cell_id, c.repeat); }

std::string heatmap(const Pivot& p) {
  std::string out = fmt::format("<table id=\"heatmap\" class=\"heatmap\"><thead><tr><th>{} \\ {}</th>",
                                markup_escape(p.spec.rows), markup_escape(p.spec.cols));
  for (const std::string& col : p.cols) out += "<th>" + markup_escape(col) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (size_t r = 0; r < p.rows.size(); ++r) {
    out += "<tr><th scope=\"row\">" + markup_escape(p.rows[r]) + "</th>";
    for (size_t k = 0; k < p.cols.size(); ++k) {
      const auto& records = p.at(r, k);
      if (records.empty()) {
        out += "<td></td>";
        continue;
      }
      out += fmt::format("<td class=\"{}\"><a href=\"#{}\">{}</a></td>", css_class(worst_class(records)),
                         anchor(*records.front()), markup_escape(bucket_text(records)));
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n<p class=\"legend\">";
  for (std::string_view cls : kClasses)
    out += fmt::format("<span class=\"{}\">{}</span>", css_class(cls), markup_escape(cls));
  return out + "</p>\n";
}

std::string evidence_section(const results::CellResult& c, const Evidence& e) {
  std::string out = fmt::format("<section class=\"cell\" id=\"{}\">\n<h3>{}{}</h3>\n<dl>", anchor(c),
                                markup_escape(c.name), c.repeat ? fmt::format(" #{}", c.repeat) : "");
  const auto item = [&](const char* term, const std::string& value) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>", term, markup_escape(value));
  };
  item("result", result_text(c));
  item("what happened", cell_story(c));
  if (!c.expect.empty()) item("expected", c.expect);
  if (!c.detail.empty()) item("detail", c.detail);
  item("workload", fmt::format("{} {}, {} of the limit each", run_as(c), procs_by_size(c), share_of_limit(c)));
  item("kernel", kernel_label(c));
  item("time", fmt::format("cell {}, workload {}", seconds(c.cell_ms), c.workload_ms ? seconds(*c.workload_ms) : "-"));
  item("cell id", c.cell_id);
  item("evidence", c.evidence);
  out += "</dl>\n";
  const std::string chart =
      counters_chart(e.counters, c.parameters.value("container", nlohmann::json::object()).value("limit", uint64_t{0}));
  if (!chart.empty())
    out += "<figure>" + chart +
           "<figcaption class=\"key\">agent counters: <span class=\"usage\">memcg usage</span>, "
           "<span class=\"limit\">limit</span>, <span class=\"live\">children alive</span>, "
           "<span class=\"killed\">children killed</span></figcaption></figure>\n";
  if (!e.console.lines.empty())
    out += fmt::format("<p>console.log from line {}:</p>\n<pre class=\"console\">{}</pre>\n", e.console.first_line,
                       markup_escape(excerpt_text(e.console)));
  return out + "</section>\n";
}

}  // namespace

std::string html_report(const results::RunResults& run, const PivotSpec& pivot_spec, const EvidenceSource& evidence) {
  const nlohmann::json& i = run.info;
  const std::vector<compare::CellGroup> groups = compare::group_by_cell(run.cells);
  std::string out = fmt::format(
      "<h1>kmatrix run <code>{0}</code></h1>\n<p>{1} records, {2}, {3} to {4}, host {5}, accel {6}</p>\n",
      markup_escape(run.run_id), run.cells.size(), markup_escape(i.value("status", "?")),
      markup_escape(i.value("started", "?")), markup_escape(i.value("ended", "?")), markup_escape(i.value("host", "?")),
      markup_escape(i.value("accel", "?")));
  const Pivot p = make_pivot(run.cells, pivot_spec);
  out += fmt::format("<h2>{} × {}</h2>\n", markup_escape(p.spec.rows), markup_escape(p.spec.cols)) + heatmap(p);
  out += "<h2>Cells</h2>\n" + html_table(seed_table(groups), "cells");
  if (has_repeats(groups)) out += "<h2>Flakiness</h2>\n" + html_table(flakiness_table(groups), "flakiness");
  out += "<h2>Evidence</h2>\n";
  for (const results::CellResult& c : run.cells) out += evidence_section(c, evidence(c));
  return html_page("kmatrix run " + run.run_id, out);
}

}  // namespace kmx::report
