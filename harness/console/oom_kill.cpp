#include "console/oom_kill.h"

#include "console/scan.h"

namespace kmx::console {

namespace {

// The scope prefix printed before the choice line (all eras) and before the
// kill line (5.x+): which OOM killer acted.
Constraint scope_of(std::string_view prefix) {
  if (prefix.find("Memory cgroup out of memory") != std::string_view::npos) return Constraint::memcg;
  if (prefix.find("Out of memory") != std::string_view::npos) return Constraint::global;
  return Constraint::unknown;
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
  const std::optional<int> pid_value = whole_number<int>(value_after(text.substr(pid), ",pid="));
  if (!pid_value) return std::nullopt;
  summary.pid = *pid_value;
  if (uid != std::string_view::npos && uid > pid) summary.uid = whole_number<int>(value_after(text.substr(uid), ",uid=")).value_or(-1);
  const std::string_view constraint = value_after(text, "constraint=");
  summary.oom_memcg = std::string(value_after(text, ",oom_memcg="));
  summary.task_memcg = std::string(value_after(text, ",task_memcg="));
  summary.constraint = constraint == "CONSTRAINT_MEMCG" ? Constraint::memcg
                       : constraint.empty()             ? Constraint::unknown
                                                        : Constraint::global;  // NONE, CPUSET, MEMORY_POLICY
  return summary;
}

std::optional<OomKill> parse_killed_process(std::string_view text) {
  std::size_t at = text.find("Killed process ");
  std::size_t pos = at + std::string_view("Killed process ").size();
  if (at == std::string_view::npos) {
    // A serial console under load may garble a byte of "process"
    // ("Killed pprocess 120"); the memory figures still make it a kill line.
    at = text.find("Killed ");
    if (at == std::string_view::npos || text.find(" total-vm:", at) == std::string_view::npos) return std::nullopt;
    pos = at + std::string_view("Killed ").size();
    if (word_at(text, pos).empty() || !consume(text, pos, " ")) return std::nullopt;
  }
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

namespace {
// Where " invoked oom-killer:" starts after a comm, or npos.
std::size_t oom_header_at(std::string_view text) {
  const std::size_t at = find_phrase(text, " invoked oom-killer:");
  return at == 0 ? std::string_view::npos : at;
}
}  // namespace

bool is_oom_header(std::string_view text) { return oom_header_at(text) != std::string_view::npos; }

std::optional<OomHeader> parse_oom_header(std::string_view text) {
  const std::size_t at = oom_header_at(text);
  if (at == std::string_view::npos) return std::nullopt;
  OomHeader header;
  header.comm = std::string(text.substr(0, at));
  const std::string_view rest = text.substr(at);
  header.gfp_mask = std::string(value_after(rest, "gfp_mask="));
  header.order = whole_number<int>(value_after(rest, " order="));
  header.oom_adj = whole_number<int>(value_after(rest, " oom_adj="));
  header.oom_score_adj = whole_number<int>(value_after(rest, " oom_score_adj="));
  return header;
}

std::optional<OomReaped> parse_oom_reaped(std::string_view text) {
  // Printed by the reaper thread on a line of its own: no prefix precedes it.
  std::size_t pos = 0;
  if (!consume(text, pos, "oom_reaper: reaped process ")) return std::nullopt;
  OomReaped reaped;
  const std::optional<int> pid = number_at<int>(text, pos);
  if (!pid || !consume(text, pos, " (")) return std::nullopt;
  const std::size_t comm_end = text.rfind("), now ");
  if (comm_end == std::string_view::npos || comm_end < pos) return std::nullopt;
  reaped.pid = *pid;
  reaped.comm = std::string(text.substr(pos, comm_end - pos));
  reaped.anon_rss_kb = kilobytes(value_after(text.substr(comm_end), "anon-rss:")).value_or(-1);
  return reaped;
}

std::optional<MemcgLimitLine> parse_memcg_limit_line(std::string_view text) {
  const std::optional<Around> a = split_around(text, "Task in ", " killed as a result of limit of ");
  if (!a) return std::nullopt;
  return MemcgLimitLine{std::string(a->middle), std::string(a->rest)};
}

std::optional<MemcgCounter> parse_memcg_counter(std::string_view text) {
  // "<name>: usage ": the name holds no space, so its colon ends the first word.
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos || space < 2 || !text.substr(space - 1).starts_with(": usage "))
    return std::nullopt;
  const std::size_t colon = space - 1;
  MemcgCounter counter;
  counter.name = std::string(text.substr(0, colon));
  const std::string_view rest = text.substr(colon);
  const std::optional<long long> usage = kilobytes(value_after(rest, ": usage "));
  const std::optional<long long> limit = kilobytes(value_after(rest, " limit "));
  const std::optional<long long> failcnt = whole_number<long long>(value_after(rest, " failcnt "));
  if (!usage || !limit || !failcnt) return std::nullopt;
  counter.usage_kb = *usage;
  counter.limit_kb = *limit;
  counter.failcnt = *failcnt;
  return counter;
}

}  // namespace kmx::console
