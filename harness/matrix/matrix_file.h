// Matrix files: TOML in, validated cells out. docs/matrix.md is the schema.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "matrix/cell.h"

namespace kmx::matrix {

struct Matrix {
  std::filesystem::path file;
  std::string sha256;  // of the file's bytes, for the run record
  std::vector<Cell> cells;
};

// Reads, parses and validates a matrix file. Any problem is a UsageError
// "FILE:LINE:COL: what is wrong" (or "FILE: cannot read: reason"); a file
// that loads yields at least one cell, no two with the same name or ID.
Matrix load_matrix(const std::filesystem::path& file);

}  // namespace kmx::matrix
