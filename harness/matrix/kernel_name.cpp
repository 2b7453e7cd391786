#include "matrix/kernel_name.h"

#include <array>
#include <regex>
#include <utility>

namespace kmx::matrix {

namespace {

// The kernel series of each catalog name (images/catalog.toml; a unit test
// keeps the two in step). Debian and CentOS stay on one series per release;
// backports move, so they have none.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kSeries = {{
    {"debian:stretch", "4.9"},
    {"debian:buster", "4.19"},
    {"debian:bullseye", "5.10"},
    {"debian:bookworm", "6.1"},
    {"debian:trixie", "6.12"},
    {"centos:6.5", "2.6.32"},
    {"centos:6.10", "2.6.32"},
    {"centos:7.9", "3.10"},
}};

bool is_path(std::string_view spec) { return spec.find('/') != std::string_view::npos; }

std::string_view file_name(std::string_view spec) {
  const std::size_t slash = spec.rfind('/');
  return slash == std::string_view::npos ? spec : spec.substr(slash + 1);
}

}  // namespace

std::string kernel_version(std::string_view spec) {
  for (const auto& [name, series] : kSeries)
    if (name == spec) return std::string(series);
  if (!is_path(spec)) return "";
  static const std::regex version(R"(\d+\.\d+(\.\d+)?)");
  const std::string name(file_name(spec));
  std::smatch m;
  return std::regex_search(name, m, version) ? m.str() : "";
}

std::string kernel_short(std::string_view spec) {
  if (std::string version = kernel_version(spec); !version.empty()) return version;
  if (is_path(spec)) return std::string(file_name(spec));
  const std::size_t colon = spec.find(':');
  return std::string(colon == std::string_view::npos ? spec : spec.substr(colon + 1));
}

bool kernel_matches(std::string_view spec, std::string_view want) {
  if (want.empty()) return false;
  if (want == spec || want == kernel_short(spec)) return true;
  if (const std::size_t colon = spec.find(':'); !is_path(spec) && colon != std::string_view::npos &&
                                                  spec.substr(colon + 1) == want)
    return true;
  const std::string version = kernel_version(spec);
  return version == want || (version.starts_with(want) && version[want.size()] == '.');
}

}  // namespace kmx::matrix
