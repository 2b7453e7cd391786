// The tables every report shows, as plain text cells; the Markdown and HTML
// formatters only render them. Pure.
#pragma once

#include <string>
#include <vector>

#include "compare/distribution.h"
#include "report/pivot.h"

namespace kmx::report {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// One cell's records in a line: its story (cell_story) for one record, the
// outcome counts for repeats, "-" for none.
std::string what_happened(const std::vector<const results::CellResult*>& records);

// The seed post's table, one row per cell: cell, run as, processes × size,
// share of limit, kernel, what happened (cell_story), expected (✓/✗).
Table seed_table(const std::vector<compare::CellGroup>& groups);

// Per cell: records, outcome distribution, hang rate with its Wilson interval, flaky.
Table flakiness_table(const std::vector<compare::CellGroup>& groups);

// The pivot with bucket_text in each cell; the corner names the dimensions.
Table pivot_table(const Pivot& pivot);

bool has_repeats(const std::vector<compare::CellGroup>& groups);

}  // namespace kmx::report
