// A comparison as Markdown: a summary line (regressions first), then one
// row per cell that changed, or per cell with `all`.
#pragma once

#include <string>

#include "compare/comparison.h"

namespace kmx::report {

std::string comparison_markdown(const compare::Comparison& cmp, const std::string& base_label,
                                const std::string& candidate_label, bool all);

}  // namespace kmx::report
