// Sizes and durations as people write them ("96M", "90s") and as the harness
// keeps them (bytes, milliseconds). Sizes are binary: 1K = 1024.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kmx::util {

// "4096", "256K", "8M", "2G", "1T", with an optional "B"/"iB" after the
// letter ("8MiB"); letters in any case. Nullopt for anything else: a sign, a
// fraction, an unknown unit, a value that does not fit in 64 bits.
std::optional<uint64_t> parse_size(std::string_view text);

// "500ms", "90s", "5m", "1h" (lowercase units). A bare number is rejected:
// whether "90" means seconds or milliseconds is exactly the doubt to avoid.
std::optional<uint64_t> parse_duration_ms(std::string_view text);

// The largest unit that is exact: 96 MiB -> "96M", 1.5 MiB -> "1536K",
// 1000 -> "1000". parse_size reads it back.
std::string format_size(uint64_t bytes);

// The largest unit that is exact: "500ms", "90s", "5m", "1h"; 0 -> "0s".
// parse_duration_ms reads it back.
std::string format_duration(uint64_t ms);

}  // namespace kmx::util
