// The task dump of an OOM report: one row per candidate task of the memcg (or
// the whole system), in the column layout of the kernel's era. The header
// names the columns, so rows are read by the header's names:
//
//   2.6.32, 3.0-3.7   "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name"
//   3.8-4.2           "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name"
//   4.3-4.14          "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name"
//   4.15-6.6          "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name"
//   6.7+              "... rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name"
//
// Memory columns are in pages (pgtables_bytes in bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmx::console {

struct OomCandidate {
  int pid = 0;
  std::string comm;
  std::optional<int> uid, tgid;
  std::optional<int64_t> total_vm, rss, rss_anon, rss_file, rss_shmem;
  std::optional<int64_t> nr_ptes, nr_pmds, pgtables_bytes, swapents;
  std::optional<int> cpu, oom_adj;  // 2.6.32-3.7
  std::optional<int> oom_score_adj;
};

enum class TaskColumn { uid, tgid, total_vm, rss, rss_anon, rss_file, rss_shmem, nr_ptes, nr_pmds,
                        pgtables_bytes, swapents, cpu, oom_adj, oom_score_adj, other };

// "[ pid ]   uid  tgid ... name" -> the columns between "pid" and "name".
std::optional<std::vector<TaskColumn>> parse_task_table_header(std::string_view text);

// "[  452]     0   452       39       18   0       0             0 ctinit"
std::optional<OomCandidate> parse_task_table_row(std::string_view text, const std::vector<TaskColumn>& columns);

}  // namespace kmx::console
