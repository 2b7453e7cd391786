// The numeric version of a kernel release: "6.1.0-56-amd64" -> 6.1.0,
// "2.6.32-431.el6.x86_64" -> 2.6.32. Features and OOM behaviour are keyed on it.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace kmx::image {

struct KernelVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;

  auto operator<=>(const KernelVersion&) const = default;
  std::string str() const;  // "6.1.0"
};

// The leading "A.B[.C]" of a release; nullopt if it does not start that way.
std::optional<KernelVersion> parse_kernel_version(std::string_view release);

}  // namespace kmx::image
