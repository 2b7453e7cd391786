// Events as JSON: what `kmatrix explain --json` prints and what the golden
// files under tests/data/console/ hold. Unknown values are left out, not
// written as -1 or null, so a golden file says only what the log says.
#pragma once

#include <nlohmann/json.hpp>

#include "console/console_parser.h"
#include "console/event.h"

namespace kmx::console {

nlohmann::json to_json(const Event& event);

// A whole parse: the parser's totals and every event it reported.
nlohmann::json to_json(const ConsoleParser& parser, const std::vector<Event>& events);

}  // namespace kmx::console
