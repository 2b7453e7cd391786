// Console reports that say the kernel is dead, stuck or broken, by the first
// line of each (the rest of a report is its context and call trace):
//
//   panic        "Kernel panic - not syncing: <reason>" (all eras; OOM panics say
//                "Out of memory: system-wide panic_on_oom is enabled" and the like)
//   soft lockup  "BUG: soft lockup - CPU#0 stuck for 22s! [wlchild:1234]" (2.6.32-4.14),
//                the same after "watchdog: " (4.15+)
//   hard lockup  "Watchdog detected hard LOCKUP on cpu 1" (3.x+, after "NMI watchdog: " or
//                "watchdog: "), "NMI Watchdog detected LOCKUP on CPU 1" (2.6.32)
//   hung task    "INFO: task wlchild:1234 blocked for more than 120 seconds." (all eras)
//   RCU stall    "INFO: rcu_sched_state detected stall on CPU 0 (t=15000 jiffies)" (2.6.32),
//                "INFO: rcu_sched detected stalls on CPUs/tasks: ..." and
//                "INFO: rcu_sched self-detected stall on CPU ..." (3.x-4.x),
//                the same after "rcu: " (4.20+)
//   bug          "BUG: <what>" (all eras), "kernel BUG at mm/slab.c:123!",
//                "Oops: 0002 [#1] SMP", "general protection fault: 0000 [#1] SMP" (5.6+:
//                "general protection fault, probably for non-canonical address 0x...: 0000 [#1] ...")
//   warning      "WARNING: at kernel/watchdog.c:231 fn+0x9a/0xc0()" (2.6.32-3.10),
//                "WARNING: CPU: 1 PID: 123 at mm/page_alloc.c:4000 fn+0x1/0x2" (3.11+)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "console/keywords.h"
#include "console/stack_frame.h"

namespace kmx::console {

enum class CrashKind { soft_lockup, hard_lockup, hung_task, rcu_stall, bug, warning };

struct CrashReport {
  CrashKind kind = CrashKind::bug;
  std::string title;  // the first line, from its "BUG:"/"INFO:"/"WARNING:"... on
  std::string comm;   // the task it names, from the first line or its "CPU: .. PID: .. Comm:" line
  std::optional<int> pid, cpu;
  std::optional<int> seconds;  // stuck (soft lockup) or blocked (hung task) for
  // The first meaningful frame (see stack_frame.h): the RIP's function or the
  // call trace's first frame that is not reporting, scheduling or locking.
  std::optional<StackFrame> frame;
};

// The first line of a report, or nothing. Lockups are looked for only when
// the line holds their keyword.
std::optional<CrashReport> parse_crash_header(std::string_view text, Keywords keywords);

// "Kernel panic - not syncing: <reason>" at the start of a line -> reason.
// (The "---[ end Kernel panic ..." trailer of newer kernels does not match.)
std::optional<std::string> parse_panic(std::string_view text);

// Whether a bug line continues the report a "BUG:" line opened
// ("Oops: ..." after "BUG: unable to handle ...", "invalid opcode" after
// "kernel BUG at ...") rather than starting another.
bool is_oops_continuation(std::string_view text);

// The task a report is about: "CPU: 0 PID: 738 Comm: wlchild Not tainted ..."
// (3.10+; 6.12: "CPU: 0 UID: 0 PID: ..."), "Pid: 1669, comm: wlparent Not tainted ..." (2.6.32-3.9).
struct TaskContext {
  int pid = 0;
  std::string comm;
  std::optional<int> cpu;
};
std::optional<TaskContext> parse_task_context(std::string_view text);

// Lines that belong inside a report between its first line and the end of its
// call trace: registers, markers, module lists, raw stack words.
bool is_report_context(std::string_view text);

}  // namespace kmx::console
