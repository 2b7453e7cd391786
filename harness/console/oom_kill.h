// One OOM kill as the kernel console reports it, and the recognizers for the
// lines that make it up in each kernel era:
//
//   2.6.32 (RHEL6)  "<scope>: Kill process 452 (ctinit) score 1 or sacrifice child"
//                   "Killed process 453, UID 0, (mingetty1) total-vm:156kB, anon-rss:28kB, file-rss:24kB"
//   3.x             "<scope>: Kill process 699 (wlchild) score 15 or sacrifice child"
//                   "Killed process 699 (wlchild) total-vm:5340kB, anon-rss:5012kB, file-rss:28kB"
//   4.x             as 3.x, plus ", shmem-rss:0kB"; 4.19+ also the "oom-kill:" summary below
//   5.x/6.x         "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,
//                    oom_memcg=/ct,task_memcg=/ct,task=wlchild,pid=1234,uid=1000"
//                   "<scope>: Killed process 1234 (wlchild) total-vm:..., anon-rss:..., file-rss:...,
//                    shmem-rss:..., UID:1000 pgtables:...kB oom_score_adj:0"
//
// <scope> is "Memory cgroup out of memory" or "Out of memory" (global).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kmx::console {

enum class Constraint { unknown, memcg, global };
std::string_view to_string(Constraint c);  // "unknown", "memcg", "global"

struct OomKill {
  int pid = 0;  // the process killed
  std::string comm;
  int uid = -1;  // -1: this kernel's lines do not say
  // The process the OOM killer chose. Up to 5.0 it may kill a child of the
  // chosen one instead ("or sacrifice child"): then sacrificed is true and
  // pid/comm differ from chosen_pid/chosen_comm.
  int chosen_pid = 0;
  std::string chosen_comm;
  std::optional<int> score;  // the chosen process's badness, from the choice line
  bool sacrificed = false;
  Constraint constraint = Constraint::unknown;
  int64_t anon_rss_kb = -1;  // -1: unknown
  std::optional<std::chrono::microseconds> kernel_time;  // of the "Killed process" line
};

// "Kill process N (comm) score S or sacrifice child" (or "... or a child").
struct OomChoice {
  int pid = 0;
  std::string comm;
  int score = 0;
  Constraint constraint = Constraint::unknown;
};
std::optional<OomChoice> parse_oom_choice(std::string_view text);

// "oom-kill:constraint=...,task=comm,pid=N,uid=U" (4.19+).
struct OomSummary {
  int pid = 0;
  std::string comm;
  int uid = -1;
  Constraint constraint = Constraint::unknown;
  std::string oom_memcg, task_memcg;  // "" when not printed (global OOM)
};
std::optional<OomSummary> parse_oom_summary(std::string_view text);

// "Killed process ..." of any era; score/chosen_* are left for the caller
// to fill from a choice line.
std::optional<OomKill> parse_killed_process(std::string_view text);

// "<comm> invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=0, oom_score_adj=0"
// (2.6.32/3.x; 4.x adds "(GFP_...)" and "nodemask=", 3.10+ drops oom_adj):
// the start of every OOM report that is not rate-limited.
struct OomHeader {
  std::string comm;  // the task that hit the limit
  std::string gfp_mask;  // as printed, e.g. "0xcc0(GFP_KERNEL)"
  std::optional<int> order;
  std::optional<int> oom_adj;  // 2.6.32-3.9 only
  std::optional<int> oom_score_adj;
};
std::optional<OomHeader> parse_oom_header(std::string_view text);
// The cheap test of the same, without building the header.
bool is_oom_header(std::string_view text);

// "oom_reaper: reaped process 1234 (wlchild), now anon-rss:0kB, ..." (4.6+),
// at the start of the message.
struct OomReaped {
  int pid = 0;
  std::string comm;
  int64_t anon_rss_kb = -1;  // what was left after reaping
};
std::optional<OomReaped> parse_oom_reaped(std::string_view text);

// The memcg lines of a report:
//   "Task in /ct killed as a result of limit of /ct" (2.6.32-4.18)
//   "memory: usage 262144kB, limit 262144kB, failcnt 8673", and the same for
//   "memory+swap", "kmem" (3.x+, v1) and "swap" (v2).
struct MemcgLimitLine {
  std::string task_memcg, oom_memcg;
};
std::optional<MemcgLimitLine> parse_memcg_limit_line(std::string_view text);

struct MemcgCounter {
  std::string name;  // "memory", "memory+swap", "kmem", "swap"
  int64_t usage_kb = 0;
  int64_t limit_kb = 0;
  int64_t failcnt = 0;
};
std::optional<MemcgCounter> parse_memcg_counter(std::string_view text);

}  // namespace kmx::console
