#include "report/pivot.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "compare/distribution.h"
#include "report/cell_labels.h"
#include "util/error.h"

namespace kmx::report {

PivotSpec parse_pivot(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    throw UsageError(fmt::format("--pivot {}: expected ROWS:COLS, e.g. workload:kernel", text));
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

const std::vector<const results::CellResult*>& Pivot::at(size_t row, size_t col) const {
  static const std::vector<const results::CellResult*> empty;
  const auto it = buckets.find({row, col});
  return it == buckets.end() ? empty : it->second;
}

namespace {

size_t position(std::vector<std::string>& labels, std::unordered_map<std::string, size_t>& index,
                const std::string& label) {
  const auto [it, fresh] = index.emplace(label, labels.size());
  if (fresh) labels.push_back(label);
  return it->second;
}

}  // namespace

Pivot make_pivot(const std::vector<results::CellResult>& cells, const PivotSpec& spec) {
  Pivot p{.spec = spec, .rows = {}, .cols = {}, .buckets = {}};
  std::unordered_map<std::string, size_t> row_index, col_index;
  for (const results::CellResult& c : cells) {
    const size_t r = position(p.rows, row_index, dimension_value(c, spec.rows));
    const size_t k = position(p.cols, col_index, dimension_value(c, spec.cols));
    p.buckets[{r, k}].push_back(&c);
  }
  return p;
}

std::string bucket_text(const std::vector<const results::CellResult*>& records) {
  if (records.empty()) return "";
  const std::vector<compare::CellGroup> groups = compare::group_by_cell(records);
  const auto group_text = [](const compare::CellGroup& g) {
    const results::CellResult& c = *g.records.front();
    return g.records.size() == 1 ? fmt::format("{}, {}", result_text(c), seconds(headline_ms(c))) : g.distribution.text();
  };
  if (groups.size() == 1) return group_text(groups.front());
  // Several cells share this table cell: each says what happened to it.
  std::string out;
  for (const compare::CellGroup& g : groups)
    out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", g.records.front()->name, group_text(g));
  return out;
}

std::string worst_class(const std::vector<const results::CellResult*>& records) {
  std::string worst;
  for (const results::CellResult* c : records) {
    const std::string cls = compare::result_class(*c);
    // infra-error (severity -1) only shows when nothing else is there.
    if (worst.empty() || compare::severity(cls) > compare::severity(worst)) worst = cls;
  }
  return worst;
}

}  // namespace kmx::report
