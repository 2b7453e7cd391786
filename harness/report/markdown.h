// The Markdown report: the seed post's table (run as, processes × size,
// share of the limit, result) for every cell, a pivot, and the flakiness of
// cells that ran more than once. Renders in a GitHub comment.
#pragma once

#include <string>

#include "report/pivot.h"
#include "report/tables.h"
#include "results/run_results.h"

namespace kmx::report {

std::string markdown_report(const results::RunResults& run, const PivotSpec& pivot);

// "| a | b |\n|---|---|\n| ... |", cells escaped with markdown_cell.
std::string markdown_table(const Table& table);

}  // namespace kmx::report
