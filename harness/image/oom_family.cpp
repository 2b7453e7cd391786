#include "image/oom_family.h"

#include <fmt/format.h>

#include <array>

#include "util/error.h"

namespace kmx::image {

namespace {

constexpr KernelVersion kAny{0, 0, 0};
constexpr KernelVersion kNever{1 << 30, 0, 0};

// Sources: /work/shared/seed/KERNEL-TIMELINE.md and the seed post (SUMMARY.md).
constexpr std::array kRules = {
    OomFamilyRule{{2, 6, 32}, {2, 6, 33}, ".el6", OomFamily::thousand_scale,
                  "RHEL/CentOS 6 (2.6.32-71 ... -504) backport the 2.6.36 rewrite into 2.6.32: the seed post quotes "
                  "CentOS 6.5's (2.6.32-431.el6) oom_badness(), points = (rss + nr_ptes + swap) * 1000 / totalpages, "
                  "root -30, <= 0 -> 1, and its log reads \"Kill process 15947 (init) score 1 or sacrifice child\""},
    OomFamilyRule{kAny, {2, 6, 36}, "", OomFamily::legacy,
                  "vanilla kernels before 2.6.36 score with the old badness(): total_vm, children's vm, CPU time, "
                  "nice and a root bonus"},
    OomFamilyRule{{2, 6, 36}, {3, 8, 0}, "", OomFamily::thousand_scale,
                  "2.6.36 commit a63d83f427fb \"oom: badness heuristic rewrite\": (rss + page tables + swap) * 1000 / "
                  "allowed pages, root -30, a result <= 0 becomes 1, so small tasks tie at 1"},
    OomFamilyRule{{3, 8, 0}, kNever, "", OomFamily::page_scale,
                  "\"mm, oom: normalize oom scores to oom_score_adj scale only for userspace\" (David Rientjes, "
                  "posted to linux-mm in May 2012, the timeline's ~3.5; 3.4-based trees carried it as a backport; "
                  "mainline from 3.8): the kernel ranks in pages, the largest task wins"},
};

}  // namespace

std::string_view to_string(OomFamily family) {
  switch (family) {
    case OomFamily::legacy: return "legacy";
    case OomFamily::thousand_scale: return "1000-scale";
    case OomFamily::page_scale: return "page-scale";
  }
  return "unknown";
}

std::span<const OomFamilyRule> oom_family_rules() { return kRules; }

const OomFamilyRule& oom_family_of(std::string_view release) {
  const auto version = parse_kernel_version(release);
  if (!version) throw UsageError(fmt::format("kernel release '{}' has no version number", release));
  for (const OomFamilyRule& rule : kRules)
    if (*version >= rule.from && *version < rule.until && release.find(rule.release_marker) != std::string_view::npos)
      return rule;
  throw UsageError(fmt::format("kernel release '{}': no OOM family covers version {}", release, version->str()));
}

}  // namespace kmx::image
