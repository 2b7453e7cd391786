#include "console/crash.h"

namespace kmx::console {

std::optional<std::string> parse_panic(std::string_view text) {
  constexpr std::string_view kPanic = "Kernel panic - not syncing: ";
  if (!text.starts_with(kPanic)) return std::nullopt;
  return std::string(text.substr(kPanic.size()));
}

std::optional<std::string> parse_soft_lockup(std::string_view text) {
  constexpr std::string_view kLockup = "BUG: soft lockup - ";
  const std::size_t at = text.find(kLockup);
  if (at == std::string_view::npos) return std::nullopt;
  return std::string(text.substr(at + kLockup.size()));
}

std::optional<std::string> parse_hung_task(std::string_view text) {
  constexpr std::string_view kTask = "INFO: task ";
  constexpr std::string_view kBlocked = " blocked for more than ";
  const std::size_t at = text.find(kTask);
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t begin = at + kTask.size();
  const std::size_t end = text.find(kBlocked, begin);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace kmx::console
