// --filter EXPR: which cells of a matrix to run, e.g. "kernel=6.1 user=root
// procs>=80". docs/matrix.md "Filters" is the language.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "matrix/cell.h"
#include "matrix/parameter.h"

namespace kmx::matrix {

enum class Comparison { equal, not_equal, less, less_equal, greater, greater_equal };

// One "key<op>value" term.
struct FilterTerm {
  std::string key;  // "name", "id", "expect", or a parameter's dotted name ("workload.procs")
  Comparison op = Comparison::equal;
  std::string text;   // the value as written
  Parameter parameter;  // for a parameter key
  Scalar value;         // text read as the parameter's kind (bytes, ms, uid, ...)
};

class CellFilter {
 public:
  // Terms separated by spaces, all of which must hold. Keys are the
  // parameters' dotted names, their short names where unambiguous (procs,
  // size, user, kernel, cgroup, limit, swap, ...), a sysctl name, or name,
  // id, expect. Anything wrong is a UsageError "--filter: column N: what".
  static CellFilter parse(std::string_view expression);

  bool matches(const Cell& cell) const;

  const std::vector<FilterTerm>& terms() const { return terms_; }

 private:
  std::vector<FilterTerm> terms_;
};

// The cells that pass, in their order.
std::vector<Cell> filter_cells(const std::vector<Cell>& cells, const CellFilter& filter);

}  // namespace kmx::matrix
