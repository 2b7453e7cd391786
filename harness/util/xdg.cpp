#include "util/xdg.h"

#include <cstdlib>

namespace kmx::util {

std::optional<std::filesystem::path> xdg_dir(const char* variable, const char* under_home) {
  if (const char* value = std::getenv(variable); value && *value == '/') return std::filesystem::path(value);
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / under_home;
  return std::nullopt;
}

}  // namespace kmx::util
