#include "report/html_page.h"

#include <fmt/format.h>

#include "report/escape.h"

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
.safety { font-size: 1.3em; padding: 4px 10px; display: inline-block; }
.safety.safe { background: #b7e1a1; } .safety.unsafe { background: #e0604c; color: #fff; }
.safety.inconclusive { background: #ffd27f; }
)";

}  // namespace

std::string html_page(std::string_view title, std::string_view body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      // No script and no fetch of any kind: the page is data, whatever a console line holds.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<title>{}</title>\n<style>{}</style></head>\n<body>\n{}</body></html>\n",
      markup_escape(title), kStyle, body);
}

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

}  // namespace kmx::report
