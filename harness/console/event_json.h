// Events as JSON: what `kmatrix explain --json` prints and what the golden
// files under tests/data/console/ hold. Unknown values are left out, not
// written as -1 or null, so a golden file says only what the log says.
#pragma once

#include <nlohmann/json.hpp>

#include "console/console_parser.h"
#include "console/event.h"

namespace kmx::console {

nlohmann::json to_json(const Event& event);

// The parser's totals so far: oom_invocations, oom_kills, panic, truncated_lines.
nlohmann::json totals_json(const ConsoleParser& parser);

// A whole parse: the totals, and every event it reported under "events".
nlohmann::json to_json(const ConsoleParser& parser, const std::vector<Event>& events);

}  // namespace kmx::console
