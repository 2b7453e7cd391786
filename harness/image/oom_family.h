// Which OOM scoring scheme a kernel uses. The verdicts of the seed's cells
// depend on it (ties at score 1 on the 1000-scale kernels), so every image
// records its family, and reports and predictions read it.
#pragma once

#include <span>
#include <string_view>

#include "image/kernel_version.h"

namespace kmx::image {

enum class OomFamily {
  legacy,          // badness(): total_vm, children, CPU time, nice, root bonus
  thousand_scale,  // points = memory share × 1000 of the allowed pages, root −30, ≤ 0 → 1
  page_scale,      // ranked in pages; 0–1000 only as shown in /proc
};

std::string_view to_string(OomFamily family);  // "legacy", "1000-scale", "page-scale"

// One row of the family table: kernels in [from, until) whose release
// contains `release_marker` (empty: any) use `family`, because of `evidence`.
struct OomFamilyRule {
  KernelVersion from;
  KernelVersion until;
  std::string_view release_marker;
  OomFamily family;
  std::string_view evidence;
};

// The table, most specific rows first; the first matching row decides.
std::span<const OomFamilyRule> oom_family_rules();

// The rule for a release ("2.6.32-431.el6.x86_64"); UsageError if the
// release has no version number.
const OomFamilyRule& oom_family_of(std::string_view release);

}  // namespace kmx::image
