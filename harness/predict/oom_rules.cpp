#include "predict/oom_rules.h"

#include "util/error.h"

namespace kmx::predict {

OomRules oom_rules(image::OomFamily family, image::KernelVersion version) {
  using image::KernelVersion;
  OomRules r{family, version, RootBonus::none, true, true,
             family != image::OomFamily::legacy && version >= KernelVersion{3, 6, 0}, ProcScale::badness};
  switch (family) {
    case image::OomFamily::legacy: r.root_bonus = RootBonus::divide_by_sixteen; break;
    case image::OomFamily::thousand_scale: r.root_bonus = RootBonus::minus_30_per_mille; break;
    case image::OomFamily::page_scale:
      // The adj -= 30 of 3.8 became points -= points * 3 / 100 with David
      // Rientjes' patch of January 2014 (linux-mm, "mm, oom: base root bonus
      // on current usage"); 4.17's d46078b28889 removed the bonus.
      r.root_bonus = version < KernelVersion{3, 14, 0}   ? RootBonus::minus_30_per_mille
                     : version < KernelVersion{4, 17, 0} ? RootBonus::three_percent
                                                         : RootBonus::none;
      r.sacrifice_child = version < KernelVersion{5, 1, 0};
      r.floor_at_one = version < KernelVersion{5, 9, 0};
      r.proc_scale = version < KernelVersion{5, 9, 0} ? ProcScale::per_mille : ProcScale::two_thirds;
      break;
  }
  return r;
}

std::optional<OomRules> oom_rules_of(std::string_view release) {
  const auto version = image::parse_kernel_version(release);
  if (!version) return std::nullopt;
  try {
    return oom_rules(image::oom_family_of(release).family, *version);
  } catch (const UsageError&) {
    return std::nullopt;  // no family covers it: no model, never a guess
  }
}

}  // namespace kmx::predict
