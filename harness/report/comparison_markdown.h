// A comparison as Markdown: a summary line, then one row per cell that
// changed (regressions first; a flaky cell only when the candidate did other
// than the base's usual), or per cell with `all`.
#pragma once

#include <string>

#include "compare/comparison.h"

namespace kmx::report {

std::string comparison_markdown(const compare::Comparison& cmp, const std::string& base_label,
                                const std::string& candidate_label, bool all);

}  // namespace kmx::report
