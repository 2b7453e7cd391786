// A pre-upgrade validation as Markdown and as an HTML page: the verdict in
// one line, the seed post's table with OLD and NEW side by side, then what got
// worse (with both outcomes, victims, stall and where the evidence is), what
// got better, and what is unsettled with what would settle it. Pure.
#pragma once

#include <functional>
#include <string>

#include "compare/validation.h"
#include "report/tables.h"

namespace kmx::report {

struct ValidationLabels {
  std::string old_kernel, new_kernel;  // "debian:bullseye (5.10.0-46-amd64)"
  // Where a record's evidence is, as the reader will find it (a path
  // relative to the report, or "history run ID").
  std::function<std::string(const results::CellResult&)> evidence;
};

// The table: cell, run as, processes × size, share of limit, OLD, NEW, change.
Table validation_table(const compare::Comparison& cmp, const compare::Validation& v, const ValidationLabels& labels);

std::string validation_markdown(const compare::Comparison& cmp, const compare::Validation& v,
                                const ValidationLabels& labels);
std::string validation_html(const compare::Comparison& cmp, const compare::Validation& v,
                            const ValidationLabels& labels);

}  // namespace kmx::report
