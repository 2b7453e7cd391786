#include "image/kernel_version.h"

#include <fmt/format.h>

#include <charconv>

namespace kmx::image {

std::string KernelVersion::str() const { return fmt::format("{}.{}.{}", major, minor, patch); }

std::optional<KernelVersion> parse_kernel_version(std::string_view release) {
  int parts[3] = {0, 0, 0};
  const char* p = release.data();
  const char* end = release.data() + release.size();
  for (int i = 0; i < 3; ++i) {
    const auto [next, ec] = std::from_chars(p, end, parts[i]);
    if (ec != std::errc{}) {
      if (i < 2) return std::nullopt;  // "6" alone, or no number at all
      break;
    }
    p = next;
    if (i == 2 || p == end || *p != '.') {
      if (i == 0) return std::nullopt;
      break;
    }
    ++p;
  }
  return KernelVersion{parts[0], parts[1], parts[2]};
}

}  // namespace kmx::image
