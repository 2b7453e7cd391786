// Matrix files: TOML in, validated cells out. docs/matrix.md is the schema.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "matrix/cell.h"

namespace kmx::matrix {

struct Matrix {
  std::filesystem::path file;
  std::string sha256;  // of the file's bytes, then those of the files it extends: the run record's matrix identity
  std::vector<Cell> cells;
  // "FILE:LINE:COL: warning: ..." (e.g. an [[exclude]] that matches no cell),
  // for the caller to print before running.
  std::vector<std::string> warnings;
};

// Reads, parses and validates a matrix file (and the files it extends). Any
// problem is a UsageError "FILE:LINE:COL: what is wrong" naming the file it
// is in (or "FILE: cannot read: reason"); a file that loads yields at least
// one cell, no two with the same name or ID.
Matrix load_matrix(const std::filesystem::path& file);

}  // namespace kmx::matrix
