#include "console/oom_kill.h"

#include <charconv>

namespace kmx::console {

namespace {

// Parses a decimal integer at `pos`, advancing it past the digits.
template <typename T>
std::optional<T> number_at(std::string_view s, std::size_t& pos) {
  T value{};
  const auto [end, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), value);
  if (ec != std::errc{}) return std::nullopt;
  pos = static_cast<std::size_t>(end - s.data());
  return value;
}

bool consume(std::string_view s, std::size_t& pos, std::string_view literal) {
  if (s.substr(pos).starts_with(literal)) {
    pos += literal.size();
    return true;
  }
  return false;
}

// The scope prefix printed before the choice line (all eras) and before the
// kill line (5.x+): which OOM killer acted.
Constraint scope_of(std::string_view prefix) {
  if (prefix.find("Memory cgroup out of memory") != std::string_view::npos) return Constraint::memcg;
  if (prefix.find("Out of memory") != std::string_view::npos) return Constraint::global;
  return Constraint::unknown;
}

// Value of "<key>" up to the next ',' (or the end).
std::string_view value_after(std::string_view s, std::string_view key) {
  const std::size_t at = s.find(key);
  if (at == std::string_view::npos) return {};
  const std::string_view rest = s.substr(at + key.size());
  return rest.substr(0, rest.find(','));
}

std::optional<int> to_int(std::string_view s) {
  std::size_t pos = 0;
  const std::optional<int> v = number_at<int>(s, pos);
  if (!v || pos != s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string_view to_string(Constraint c) {
  switch (c) {
    case Constraint::unknown: return "unknown";
    case Constraint::memcg: return "memcg";
    case Constraint::global: return "global";
  }
  return "unknown";
}

std::optional<OomChoice> parse_oom_choice(std::string_view text) {
  // Mainline 2.6.32 wrote "kill process ... or a child"; RHEL6 and 3.x-5.0
  // "Kill process ... or sacrifice child".
  std::size_t at = text.find("Kill process ");
  if (at == std::string_view::npos) at = text.find("kill process ");
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t pos = at + std::string_view("Kill process ").size();
  OomChoice choice;
  const std::optional<int> pid = number_at<int>(text, pos);
  if (!pid || !consume(text, pos, " (")) return std::nullopt;
  const std::size_t comm_end = text.find(") score ", pos);
  if (comm_end == std::string_view::npos) return std::nullopt;
  choice.pid = *pid;
  choice.comm = std::string(text.substr(pos, comm_end - pos));
  pos = comm_end + std::string_view(") score ").size();
  const std::optional<int> score = number_at<int>(text, pos);
  if (!score) return std::nullopt;
  choice.score = *score;
  choice.constraint = scope_of(text.substr(0, at));
  return choice;
}

std::optional<OomSummary> parse_oom_summary(std::string_view text) {
  const std::size_t at = text.find("oom-kill:");
  if (at == std::string_view::npos) return std::nullopt;
  text.remove_prefix(at);
  // task= is the last key group, and a comm may hold anything, so look for
  // the keys that follow it from the end.
  const std::size_t task = text.rfind(",task=");
  const std::size_t pid = text.rfind(",pid=");
  const std::size_t uid = text.rfind(",uid=");
  if (task == std::string_view::npos || pid == std::string_view::npos || pid < task) return std::nullopt;
  OomSummary summary;
  const std::size_t comm_begin = task + std::string_view(",task=").size();
  summary.comm = std::string(text.substr(comm_begin, pid - comm_begin));
  const std::optional<int> pid_value = to_int(value_after(text.substr(pid), ",pid="));
  if (!pid_value) return std::nullopt;
  summary.pid = *pid_value;
  if (uid != std::string_view::npos && uid > pid) summary.uid = to_int(value_after(text.substr(uid), ",uid=")).value_or(-1);
  const std::string_view constraint = value_after(text, "constraint=");
  summary.constraint = constraint == "CONSTRAINT_MEMCG" ? Constraint::memcg
                       : constraint.empty()             ? Constraint::unknown
                                                        : Constraint::global;  // NONE, CPUSET, MEMORY_POLICY
  return summary;
}

std::optional<OomKill> parse_killed_process(std::string_view text) {
  const std::size_t at = text.find("Killed process ");
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t pos = at + std::string_view("Killed process ").size();
  OomKill kill;
  const std::optional<int> pid = number_at<int>(text, pos);
  if (!pid) return std::nullopt;
  kill.pid = *pid;
  if (consume(text, pos, ", UID ")) {  // 2.6.32 (RHEL6): "453, UID 0, (mingetty1)"
    const std::optional<int> uid = number_at<int>(text, pos);
    if (!uid || !consume(text, pos, ", (")) return std::nullopt;
    kill.uid = *uid;
  } else if (!consume(text, pos, " (")) {
    return std::nullopt;
  }
  // The comm ends at the ")" before the memory figures (vsz: on mainline 2.6.32).
  std::size_t comm_end = text.find(") total-vm:", pos);
  if (comm_end == std::string_view::npos) comm_end = text.find(") vsz:", pos);
  if (comm_end == std::string_view::npos) comm_end = text.find(')', pos);
  if (comm_end == std::string_view::npos) return std::nullopt;
  kill.comm = std::string(text.substr(pos, comm_end - pos));
  const std::string_view rest = text.substr(comm_end);
  if (const std::size_t anon = rest.find("anon-rss:"); anon != std::string_view::npos) {
    std::size_t p = anon + std::string_view("anon-rss:").size();
    kill.anon_rss_kb = number_at<int64_t>(rest, p).value_or(-1);
  }
  if (const std::size_t uid = rest.find(" UID:"); uid != std::string_view::npos) {  // 5.x+
    std::size_t p = uid + std::string_view(" UID:").size();
    kill.uid = number_at<int>(rest, p).value_or(-1);
  }
  kill.constraint = scope_of(text.substr(0, at));
  kill.chosen_pid = kill.pid;
  kill.chosen_comm = kill.comm;
  return kill;
}

std::optional<std::string> parse_oom_invoked(std::string_view text) {
  const std::size_t at = text.find(" invoked oom-killer:");
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  return std::string(text.substr(0, at));
}

}  // namespace kmx::console
