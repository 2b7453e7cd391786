// A run's records laid out as a table: one dimension down, one across
// ("workload:kernel"), each table cell holding the records that fall there.
// Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "results/run_results.h"

namespace kmx::report {

struct PivotSpec {
  std::string rows = "workload";
  std::string cols = "kernel";
};

// "ROWS:COLS", each a dimension of cell_labels.h; UsageError otherwise.
PivotSpec parse_pivot(std::string_view text);

struct Pivot {
  PivotSpec spec;
  std::vector<std::string> rows, cols;  // in order of first appearance
  std::map<std::pair<size_t, size_t>, std::vector<const results::CellResult*>> buckets;

  const std::vector<const results::CellResult*>& at(size_t row, size_t col) const;
};

Pivot make_pivot(const std::vector<results::CellResult>& cells, const PivotSpec& spec);

// What a table cell says: one record's result and time ("oom-killed: 25
// wlchild, 20.9s"), or the distribution of several ("completed 3,
// container-hang 1"); "" when empty.
std::string bucket_text(const std::vector<const results::CellResult*>& records);
// The worst result class among the records, for colouring; "" when empty.
std::string worst_class(const std::vector<const results::CellResult*>& records);

}  // namespace kmx::report
