#include "report/markdown.h"

#include <fmt/format.h>

#include "report/escape.h"

namespace kmx::report {

std::string markdown_table(const Table& table) {
  const auto row_text = [](const std::vector<std::string>& cells) {
    std::string line = "|";
    for (const std::string& cell : cells) line += " " + markdown_cell(cell) + " |";
    return line + "\n";
  };
  std::string out = row_text(table.header) + "|";
  for (size_t i = 0; i < table.header.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& row : table.rows) out += row_text(row);
  return out;
}

std::string markdown_report(const results::RunResults& run, const PivotSpec& pivot_spec) {
  const nlohmann::json& i = run.info;
  const nlohmann::json matrix = i.value("matrix", nlohmann::json::object());
  std::string out = fmt::format("## kmatrix run `{}`\n\n{} records, {} from {} to {} on {} ({}), matrix {}\n\n",
                                run.run_id, run.cells.size(), markdown_cell(i.value("status", "?")),
                                markdown_cell(i.value("started", "?")), markdown_cell(i.value("ended", "?")),
                                markdown_cell(i.value("host", "?")), markdown_cell(i.value("accel", "?")),
                                markdown_cell(matrix.value("file", "?")));
  const std::vector<compare::CellGroup> groups = compare::group_by_cell(run.cells);
  out += markdown_table(seed_table(groups));
  const Pivot p = make_pivot(run.cells, pivot_spec);
  out += fmt::format("\n### {} × {}\n\n", markdown_cell(p.spec.rows), markdown_cell(p.spec.cols));
  out += markdown_table(pivot_table(p));
  if (has_repeats(groups)) out += "\n### Flakiness\n\n" + markdown_table(flakiness_table(groups));
  return out;
}

}  // namespace kmx::report
