// Expanded cells as plain text, for `kmatrix run --dry-run` and `--list-axes`.
#pragma once

#include <string>
#include <vector>

#include "matrix/cell.h"

namespace kmx::matrix {

// One row per cell: ID, name, kernel, then a column for each parameter whose
// value differs between the cells (and expect, when a cell states one);
// columns padded with spaces, a header line first, each line ending in "\n".
std::string format_cell_table(const std::vector<Cell>& cells);

// Each parameter whose value differs between the cells, one line each: its
// dotted name, then its values in order of first appearance with how many
// cells have each ("container.cgroup  v1 (24), v2 (24)"), or "no parameter
// varies"; then "N cells".
std::string format_axes(const std::vector<Cell>& cells);

}  // namespace kmx::matrix
