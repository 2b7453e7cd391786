// libFuzzer target for the console parser: any bytes, fed in chunks whose
// sizes the input itself chooses (so lines tear at every place), must parse
// without a crash, a sanitizer report or unbounded memory, and every event
// must serialize. Built with -DKMATRIX_FUZZ=ON; run by ci/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "console/console_parser.h"
#include "console/event_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  // The first byte picks the chunk size and a short line limit, so the
  // overlong-line path is reached with small inputs too.
  const std::size_t chunk = rest.empty() ? 1 : 1 + static_cast<unsigned char>(rest[0]) % 97;
  const std::size_t max_line = rest.empty() || rest[0] & 1 ? 4096 : 64;
  kmx::console::ConsoleParser parser(max_line);
  std::vector<kmx::console::Event> events;
  while (!rest.empty()) {
    const std::size_t n = std::min(chunk, rest.size());
    for (auto& e : parser.feed(rest.substr(0, n))) events.push_back(std::move(e));
    rest.remove_prefix(n);
  }
  for (auto& e : parser.finish()) events.push_back(std::move(e));
  (void)kmx::console::to_json(parser, events).dump();  // throws on invalid UTF-8: the parser must never emit it
  return 0;
}
