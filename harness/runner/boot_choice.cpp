#include "runner/boot_choice.h"

#include <fmt/format.h>

namespace kmx::runner {

BootChoice choose_boot(std::string_view requested, bool backend_snapshots, std::string_view backend) {
  if (requested == "cold") return {};
  if (!backend_snapshots) return {.why_cold = fmt::format("the {} backend cannot restore snapshots", backend)};
  return {.restore = true, .why_cold = ""};
}

std::optional<std::string> restore_failure(bool ready, const std::optional<outcome::Trigger>& trigger) {
  if (ready) return std::nullopt;
  if (!trigger) return "the restored guest ended before its agent said ready";
  return fmt::format("the restored guest did not say ready ({}{}{})", outcome::to_string(trigger->kind),
                     trigger->detail.empty() ? "" : ": ", trigger->detail);
}

}  // namespace kmx::runner
