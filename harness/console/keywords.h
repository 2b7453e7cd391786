// The keywords a console recognizer looks for anywhere in a line, found in
// one pass. Every other recognizer is anchored at the message's start, so
// ruling it out costs one comparison; these would each cost a search of
// every line. The parser runs a keyword's recognizers only on lines that
// hold it: each recognizer needs its keyword to accept a line, so nothing it
// would accept is skipped (checked over the whole corpus by a unit test).
#pragma once

#include <string_view>

#include "console/byte_scan.h"

namespace kmx::console {

enum class Keyword : unsigned {
  killed = 1u << 0,              // "Killed " (parse_killed_process)
  kill_process = 1u << 1,        // "Kill process " / "kill process " (parse_oom_choice)
  oom_kill = 1u << 2,            // "oom-kill:" (parse_oom_summary)
  invoked_oom_killer = 1u << 3,  // " invoked oom-killer:" (parse_oom_header)
  lockup = 1u << 4,              // the soft and hard lockup headers (parse_crash_header)
};

class Keywords {
 public:
  void add(Keyword k) { bits_ |= static_cast<unsigned>(k); }
  bool has(Keyword k) const { return (bits_ & static_cast<unsigned>(k)) != 0; }

 private:
  unsigned bits_ = 0;
};

Keywords keywords_in(std::string_view text);

// Every keyword holds a 'k' or 'K' (they differ in bit 0x20 only): a line
// without one holds none. keywords_in stops only at those.
constexpr auto keyword_anchors = [](bytes::Block b) { return (b | 0x20) == 'k'; };

}  // namespace kmx::console
