#include "vm/process_memory.h"

#include <charconv>
#include <string>

#include "util/read_file.h"

namespace kmx::vm {

std::optional<uint64_t> anonymous_bytes(std::string_view smaps_rollup) {
  constexpr std::string_view key = "\nAnonymous:";
  const size_t at = smaps_rollup.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = smaps_rollup.substr(at + key.size());
  rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
  uint64_t kib = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), kib);
  if (ec != std::errc() || std::string_view(end, rest.data() + rest.size()).substr(0, 3) != " kB") return std::nullopt;
  return kib << 10;
}

std::optional<uint64_t> process_anonymous_memory(pid_t pid) {
  return anonymous_bytes(util::read_file("/proc/" + std::to_string(pid) + "/smaps_rollup"));
}

}  // namespace kmx::vm
