#include "util/units.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include <fmt/format.h>

namespace kmx::util {

namespace {

// Largest first, so that formatting finds the largest exact unit; the last
// one divides everything.
constexpr std::array<std::pair<std::string_view, uint64_t>, 5> kSizeUnits = {
    {{"T", 1ull << 40}, {"G", 1ull << 30}, {"M", 1ull << 20}, {"K", 1ull << 10}, {"", 1}}};

constexpr std::array<std::pair<std::string_view, uint64_t>, 4> kDurationUnits = {
    {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i])) return false;
  return true;
}

// The leading decimal digits and what follows them; nullopt without digits
// or when the number does not fit.
std::optional<std::pair<uint64_t, std::string_view>> split_number(std::string_view text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{}) return std::nullopt;
  return std::pair{value, text.substr(static_cast<std::size_t>(end - text.data()))};
}

std::optional<uint64_t> scaled(uint64_t value, uint64_t unit) {
  if (value > UINT64_MAX / unit) return std::nullopt;
  return value * unit;
}

template <std::size_t N>
std::string format_exact(uint64_t value, const std::array<std::pair<std::string_view, uint64_t>, N>& units) {
  const auto exact = std::find_if(units.begin(), units.end(), [&](const auto& u) { return value % u.second == 0; });
  return fmt::format("{}{}", value / exact->second, exact->first);
}

}  // namespace

std::optional<uint64_t> parse_size(std::string_view text) {
  const auto number = split_number(text);
  if (!number) return std::nullopt;
  const auto [value, suffix] = *number;
  for (const auto& [letter, unit] : kSizeUnits) {
    if (!equal_ignoring_case(suffix.substr(0, letter.size()), letter)) continue;
    const std::string_view rest = suffix.substr(letter.size());
    // "iB" only after a letter: "4096iB" is a typo, not bytes.
    if (rest.empty() || equal_ignoring_case(rest, "B") || (!letter.empty() && equal_ignoring_case(rest, "iB")))
      return scaled(value, unit);
  }
  return std::nullopt;
}

std::optional<uint64_t> parse_duration_ms(std::string_view text) {
  const auto number = split_number(text);
  if (!number) return std::nullopt;
  const auto [value, suffix] = *number;
  for (const auto& [name, unit] : kDurationUnits)
    if (suffix == name) return scaled(value, unit);
  return std::nullopt;
}

std::string format_size(uint64_t bytes) { return bytes == 0 ? "0" : format_exact(bytes, kSizeUnits); }

std::string format_duration(uint64_t ms) { return ms == 0 ? "0s" : format_exact(ms, kDurationUnits); }

}  // namespace kmx::util
