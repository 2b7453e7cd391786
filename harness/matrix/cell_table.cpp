#include "matrix/cell_table.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "matrix/parameter.h"

namespace kmx::matrix {

namespace {

// Parameters in docs order, then each sysctl some cell sets.
std::vector<Parameter> all_parameters(const std::vector<Cell>& cells) {
  std::vector<Parameter> all = parameters();
  std::set<std::string> sysctls;
  for (const Cell& c : cells)
    for (const auto& [name, value] : c.guest.sysctl) sysctls.insert(name);
  for (const std::string& name : sysctls) all.push_back(*find_parameter(fmt::format("{}{}", kSysctlPrefix, name)));
  return all;
}

// A parameter's distinct values in order of first appearance, with counts.
std::vector<std::pair<std::string, int>> values_of(const Parameter& p, const std::vector<Cell>& cells) {
  std::vector<std::pair<std::string, int>> values;
  for (const Cell& c : cells) {
    std::string shown = p.show(c);
    if (shown.empty()) shown = "-";  // a sysctl the cell leaves alone
    const auto it = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == shown; });
    if (it == values.end())
      values.emplace_back(std::move(shown), 1);
    else
      ++it->second;
  }
  return values;
}

std::vector<Parameter> varying(const std::vector<Cell>& cells) {
  std::vector<Parameter> out;
  for (Parameter& p : all_parameters(cells))
    if (values_of(p, cells).size() > 1) out.push_back(std::move(p));
  return out;
}

struct Column {
  std::string header;
  std::vector<std::string> rows;
};

std::string render(const std::vector<Column>& columns) {
  std::vector<std::size_t> width;
  for (const Column& c : columns) {
    std::size_t w = c.header.size();
    for (const std::string& r : c.rows) w = std::max(w, r.size());
    width.push_back(w);
  }
  const auto line = [&](const auto& cell_of) {
    std::string text;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      // No padding after the last column: lines end without spaces.
      text += i + 1 == columns.size() ? cell_of(columns[i]) : fmt::format("{:<{}}  ", cell_of(columns[i]), width[i]);
    }
    return text + "\n";
  };
  std::string out = line([](const Column& c) { return c.header; });
  const std::size_t rows = columns.empty() ? 0 : columns.front().rows.size();
  for (std::size_t r = 0; r < rows; ++r) out += line([r](const Column& c) { return c.rows[r]; });
  return out;
}

}  // namespace

std::string format_cell_table(const std::vector<Cell>& cells) {
  std::vector<Column> columns = {{"ID", {}}, {"NAME", {}}, {"KERNEL", {}}};
  for (const Cell& c : cells) {
    columns[0].rows.push_back(cell_id(c));
    columns[1].rows.push_back(c.name);
    columns[2].rows.push_back(c.run.kernel);
  }
  for (const Parameter& p : varying(cells)) {
    if (p.name == "run.kernel") continue;
    Column column{p.key, {}};
    for (const Cell& c : cells) column.rows.push_back(p.show(c).empty() ? "-" : p.show(c));
    columns.push_back(std::move(column));
  }
  if (std::any_of(cells.begin(), cells.end(), [](const Cell& c) { return !c.expect.empty(); })) {
    Column column{"EXPECT", {}};
    for (const Cell& c : cells) column.rows.push_back(c.expect.empty() ? "-" : c.expect);
    columns.push_back(std::move(column));
  }
  return render(columns);
}

std::string format_axes(const std::vector<Cell>& cells) {
  Column names{"PARAMETER", {}};
  Column values{"VALUES (CELLS)", {}};
  for (const Parameter& p : varying(cells)) {
    names.rows.push_back(p.name);
    std::vector<std::string> shown;
    for (const auto& [value, count] : values_of(p, cells)) shown.push_back(fmt::format("{} ({})", value, count));
    values.rows.push_back(fmt::format("{}", fmt::join(shown, ", ")));
  }
  const std::string table = names.rows.empty() ? "no parameter varies\n" : render({names, values});
  return table + fmt::format("{} cell{}\n", cells.size(), cells.size() == 1 ? "" : "s");
}

}  // namespace kmx::matrix
