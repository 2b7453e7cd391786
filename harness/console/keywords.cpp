#include "console/keywords.h"

#include <array>
#include <bit>
#include <cstddef>

namespace kmx::console {

namespace {

// The pass stops only at 'k' and 'K' (keywords.h), and compares a keyword
// only where the byte after also fits ("kB" is common, "ki" and "KU" not).
struct Literal {
  std::string_view text;
  Keyword keyword;
  std::size_t anchor;  // offset of the literal's first 'k' or 'K'
};

constexpr std::size_t anchor_of(std::string_view s) { return s.find_first_of("kK"); }

constexpr Literal literal(std::string_view text, Keyword keyword) { return {text, keyword, anchor_of(text)}; }

constexpr std::array kLiterals{
    literal("Killed ", Keyword::killed),
    literal("Kill process ", Keyword::kill_process),
    literal("kill process ", Keyword::kill_process),
    literal("oom-kill:", Keyword::oom_kill),
    literal(" invoked oom-killer:", Keyword::invoked_oom_killer),
    literal("BUG: soft lockup - CPU#", Keyword::lockup),
    literal("detected hard LOCKUP on cpu ", Keyword::lockup),
    literal("NMI Watchdog detected LOCKUP on CPU ", Keyword::lockup),
};
static_assert([] {
  for (const Literal& l : kLiterals)
    if (l.anchor == std::string_view::npos || l.anchor + 1 >= l.text.size()) return false;
  return true;
}());

// By the byte after an anchor: which literals (bit i: kLiterals[i]) may be there.
constexpr std::array<unsigned, 256> kAfterAnchor = [] {
  std::array<unsigned, 256> table{};
  for (std::size_t i = 0; i < kLiterals.size(); ++i)
    table[static_cast<unsigned char>(kLiterals[i].text[kLiterals[i].anchor + 1])] |= 1u << i;
  return table;
}();

}  // namespace

Keywords keywords_in(std::string_view text) {
  Keywords found;
  for (std::size_t i = bytes::find_first(text, 0, keyword_anchors); i < text.size();
       i = bytes::find_first(text, i + 1, keyword_anchors)) {
    if (i + 1 == text.size()) break;
    for (unsigned candidates = kAfterAnchor[static_cast<unsigned char>(text[i + 1])]; candidates != 0;
         candidates &= candidates - 1) {
      const Literal& l = kLiterals[static_cast<std::size_t>(std::countr_zero(candidates))];
      if (i >= l.anchor && text.substr(i - l.anchor).starts_with(l.text)) found.add(l.keyword);
    }
  }
  return found;
}

}  // namespace kmx::console
