// Console lines that say the kernel is dead or stuck: panics, soft lockups,
// hung tasks. Each recognizer returns the line's gist or nothing; more report
// kinds (oopses, BUG/WARNING, RCU stalls) belong here as they are needed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kmx::console {

// "Kernel panic - not syncing: <reason>" at the start of a line -> reason.
// (The "---[ end Kernel panic ..." trailer of newer kernels does not match.)
std::optional<std::string> parse_panic(std::string_view text);

// "BUG: soft lockup - CPU#0 stuck for 22s! [wlchild:1234]" (optionally after
// "watchdog: ") -> "CPU#0 stuck for 22s! [wlchild:1234]".
std::optional<std::string> parse_soft_lockup(std::string_view text);

// "INFO: task wlchild:1234 blocked for more than 120 seconds." -> "wlchild:1234".
std::optional<std::string> parse_hung_task(std::string_view text);

}  // namespace kmx::console
