#include "report/evidence.h"

#include <algorithm>
#include <array>

#include "agent/protocol.h"
#include "util/read_file.h"

namespace kmx::report {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

}  // namespace

ConsoleExcerpt console_excerpt(std::string_view console, int max_lines) {
  const std::vector<std::string_view> lines = split_lines(console);
  // In order of preference: what explains the verdict best comes first.
  static constexpr std::array<std::string_view, 6> anchors = {
      "invoked oom-killer", "Kernel panic", "soft lockup", "blocked for more than", "Show Blocked State", "BUG:"};
  const int total = static_cast<int>(lines.size());
  int start = std::max(0, total - max_lines);
  for (std::string_view anchor : anchors) {
    const auto it = std::find_if(lines.begin(), lines.end(),
                                 [&](std::string_view l) { return l.find(anchor) != std::string_view::npos; });
    if (it != lines.end()) {
      start = std::max(0, static_cast<int>(it - lines.begin()) - 3);  // a little context before
      break;
    }
  }
  ConsoleExcerpt out{.first_line = start + 1, .lines = {}};
  for (int i = start; i < std::min(total, start + max_lines); ++i) out.lines.emplace_back(lines[i]);
  return out;
}

std::vector<CounterSample> counter_series(std::string_view agent_log) {
  std::vector<CounterSample> out;
  for (std::string_view line : split_lines(agent_log)) {
    if (line.starts_with(">")) continue;
    const agent::ParseResult parsed = agent::parse_line(line);
    if (parsed.status != agent::LineStatus::ok || parsed.message.type != "hb") continue;
    try {
      const agent::Heartbeat hb = agent::parse_heartbeat(parsed.message);
      out.push_back({hb.up_ms, hb.usage, hb.live, hb.killed});
    } catch (const agent::ProtocolError&) {
      // An incomplete heartbeat is the agent's bug, reported in the record; the chart skips it.
    }
  }
  return out;
}

EvidenceSource evidence_from(const std::filesystem::path& run_dir) {
  return [run_dir](const results::CellResult& cell) -> Evidence {
    if (run_dir.empty() || cell.evidence.empty()) return {};
    const std::filesystem::path dir = run_dir / cell.evidence;
    return {console_excerpt(util::read_file(dir / "console.log")), counter_series(util::read_file(dir / "agent.log"))};
  };
}

std::string excerpt_text(const ConsoleExcerpt& excerpt) {
  std::string out;
  for (const std::string& line : excerpt.lines) out += line + "\n";
  return out;
}

}  // namespace kmx::report
