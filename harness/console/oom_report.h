// One OOM killer run, assembled from the lines of its report: the header,
// the task that hit the limit, the memcg counters, the candidate table, the
// choice, the "oom-kill:" summary and the kill. 3.x+ rate-limit everything
// but the choice and kill lines, so a report may hold only those.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "console/oom_kill.h"
#include "console/task_table.h"

namespace kmx::console {

struct OomReport {
  std::optional<std::chrono::microseconds> kernel_time;  // of its first line
  std::optional<OomHeader> header;                       // absent when rate-limited
  std::optional<int> trigger_pid;  // from the "Pid:"/"CPU: .. PID:" line after the header
  Constraint constraint = Constraint::unknown;
  std::string task_memcg, oom_memcg;  // "" unless printed
  std::vector<MemcgCounter> memcg_counters;
  std::vector<OomCandidate> candidates;
  int candidates_dropped = 0;  // rows beyond kMaxCandidates (memory stays bounded)
  std::optional<OomChoice> choice;    // up to 5.0
  std::optional<OomSummary> summary;  // 4.19+
  // The kill, with the chosen process and score from the choice line.
  // Absent when nothing was killed (e.g. "OOM victim ... is already exiting").
  std::optional<OomKill> kill;

  static constexpr std::size_t kMaxCandidates = 100000;
};

}  // namespace kmx::console
