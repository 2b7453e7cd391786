// Small scanning helpers shared by the console recognizers: console lines are
// matched by hand (no regex) because the parser must keep up with a serial
// console at a fraction of grep's speed and never throw on garbage.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string.h>
#include <string_view>

#include "console/byte_scan.h"

namespace kmx::console {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The bytes of `chars` as a table, for a membership test without a search.
struct ByteSet {
  std::array<bool, 256> has{};
  constexpr explicit ByteSet(std::string_view chars) {
    for (const char c : chars) has[static_cast<unsigned char>(c)] = true;
  }
  constexpr bool operator()(char c) const { return has[static_cast<unsigned char>(c)]; }
};
inline bool is_space(char c) { return c == ' ' || c == '\t'; }

// Parses a decimal integer (optionally negative) at `pos`, advancing past it.
template <typename T>
std::optional<T> number_at(std::string_view s, std::size_t& pos) {
  if (pos > s.size()) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), value);
  if (ec != std::errc{}) return std::nullopt;
  pos = static_cast<std::size_t>(end - s.data());
  return value;
}

// The whole of `s` as a decimal integer, or nothing.
template <typename T>
std::optional<T> whole_number(std::string_view s) {
  std::size_t pos = 0;
  const std::optional<T> v = number_at<T>(s, pos);
  if (!v || pos != s.size()) return std::nullopt;
  return v;
}

// Advances `pos` past `literal` if the text there starts with it.
inline bool consume(std::string_view s, std::size_t& pos, std::string_view literal) {
  if (pos <= s.size() && s.substr(pos).starts_with(literal)) {
    pos += literal.size();
    return true;
  }
  return false;
}

// s.find(phrase, from), for phrases that start with a common byte
// (" pid:"): string_view::find stops at every occurrence of the first byte
// to call memcmp there, memmem does not.
inline std::size_t find_phrase(std::string_view s, std::string_view phrase, std::size_t from = 0) {
  if (from > s.size()) return std::string_view::npos;
  const void* hit = ::memmem(s.data() + from, s.size() - from, phrase.data(), phrase.size());
  return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - s.data()) : std::string_view::npos;
}

// s.starts_with(p), for loops over many p: the usual case, a differing
// first byte, then costs no call to memcmp.
inline bool has_prefix(std::string_view s, std::string_view p) {
  return p.empty() || (!s.empty() && s.front() == p.front() && s.starts_with(p));
}

// Sixteen bytes at a time: the kernel pads its tables' columns with runs of
// spaces, and a byte loop would mispredict the end of every run.
inline void skip_spaces(std::string_view s, std::size_t& pos) {
  constexpr auto not_space = [](bytes::Block b) { return (b != ' ') & (b != '\t'); };
  if (pos < s.size()) pos = bytes::find_first(s, pos, not_space);
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The next whitespace-separated word at `pos` (advancing past it).
inline std::string_view word_at(std::string_view s, std::size_t& pos) {
  skip_spaces(s, pos);
  const std::size_t begin = pos;
  while (pos < s.size() && !is_space(s[pos])) ++pos;
  return s.substr(begin, pos - begin);
}

// Value of "<key>" up to the next `stop` (or the end); empty if key is absent.
inline std::string_view value_after(std::string_view s, std::string_view key, char stop = ',') {
  const std::size_t at = s.find(key);
  if (at == std::string_view::npos) return {};
  const std::string_view rest = s.substr(at + key.size());
  return rest.substr(0, rest.find(stop));
}

// "<prefix><middle><infix><rest>" -> {middle, rest}, for lines with two fixed
// words around a free one ("Task in /ct killed as a result of limit of /ct").
struct Around {
  std::string_view middle, rest;
};
inline std::optional<Around> split_around(std::string_view s, std::string_view prefix, std::string_view infix) {
  if (!s.starts_with(prefix)) return std::nullopt;
  const std::size_t at = s.find(infix, prefix.size());
  if (at == std::string_view::npos) return std::nullopt;
  return Around{s.substr(prefix.size(), at - prefix.size()), s.substr(at + infix.size())};
}

// "1234kB" -> 1234.
inline std::optional<long long> kilobytes(std::string_view s) {
  if (!s.ends_with("kB")) return std::nullopt;
  return whole_number<long long>(s.substr(0, s.size() - 2));
}

}  // namespace kmx::console
