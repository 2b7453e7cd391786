#include "report/html.h"

#include <fmt/format.h>

#include "compare/distribution.h"
#include "report/cell_labels.h"
#include "report/cell_story.h"
#include "report/escape.h"
#include "report/svg_chart.h"
#include "report/tables.h"

namespace kmx::report {

namespace {

constexpr const char* kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #bbb; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #eee; }
.heatmap td { min-width: 9em; }
.heatmap td a { color: inherit; text-decoration: none; display: block; }
.o-completed { background: #b7e1a1; }
.o-oom-killed { background: #d9f0c4; }
.o-oom-killed-wrong-victim { background: #ffd27f; }
.o-container-hang { background: #f4a582; }
.o-guest-hang { background: #e0604c; color: #fff; }
.o-panic { background: #b2182b; color: #fff; }
.o-boot-failure { background: #67001f; color: #fff; }
.o-infra-error { background: #ccc; }
.legend span { padding: 2px 6px; margin-right: 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
dt { font-weight: 600; } dd { margin: 0; }
section.cell { border-top: 1px solid #ccc; margin-top: 1em; }
pre.console { background: #f6f6f6; padding: 6px; overflow-x: auto; font-size: 12px; max-height: 30em; }
svg.chart text { font-size: 10px; fill: #444; }
svg.chart .frame { stroke: #999; }
svg.chart .limit { stroke: #b2182b; stroke-dasharray: 4 3; }
svg.chart .usage { stroke: #2166ac; stroke-width: 2; }
svg.chart .live { stroke: #1b7837; stroke-width: 1.5; }
svg.chart .killed { stroke: #d6604d; stroke-width: 1.5; }
.key .usage { color: #2166ac; } .key .live { color: #1b7837; } .key .killed { color: #d6604d; } .key .limit { color: #b2182b; }
)";

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

std::string html_table(const Table& t, const char* id) {
  std::string out = fmt::format("<table id=\"{}\"><thead><tr>", id);
  for (const std::string& h : t.header) out += "<th>" + markup_escape(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const std::string& cell : row) out += "<td>" + markup_escape(cell) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

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
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      // No script and no fetch of any kind: the page is data, whatever a console line holds.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<title>kmatrix run {0}</title>\n<style>{1}</style></head>\n<body>\n"
      "<h1>kmatrix run <code>{0}</code></h1>\n<p>{2} records, {3}, {4} to {5}, host {6}, accel {7}</p>\n",
      markup_escape(run.run_id), kStyle, run.cells.size(), markup_escape(i.value("status", "?")),
      markup_escape(i.value("started", "?")), markup_escape(i.value("ended", "?")), markup_escape(i.value("host", "?")),
      markup_escape(i.value("accel", "?")));
  const Pivot p = make_pivot(run.cells, pivot_spec);
  out += fmt::format("<h2>{} × {}</h2>\n", markup_escape(p.spec.rows), markup_escape(p.spec.cols)) + heatmap(p);
  out += "<h2>Cells</h2>\n" + html_table(seed_table(groups), "cells");
  if (has_repeats(groups)) out += "<h2>Flakiness</h2>\n" + html_table(flakiness_table(groups), "flakiness");
  out += "<h2>Evidence</h2>\n";
  for (const results::CellResult& c : run.cells) out += evidence_section(c, evidence(c));
  return out + "</body></html>\n";
}

}  // namespace kmx::report
