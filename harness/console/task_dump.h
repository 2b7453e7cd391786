// Task-state dumps: sysrq w ("Show Blocked State": tasks in D state) and
// sysrq t ("Show State": every task), one header line per task followed by
// its stack. They name the stuck tasks and where they sleep.
//
//   trigger       "SysRq : Show Blocked State" (2.6.32-4.x), "sysrq: Show Blocked State" (5.x+)
//   task, <=3.x   "wlchild       D ffff88003fc23f80     0   456    455 0x00000080"
//                 (comm, state, saved PC or "running task", free stack, pid, ppid, flags)
//   task, 4.x     "wlchild         D    0   456    455 0x00000080"
//   task, 5.x     "task:wlchild        state:D stack:    0 pid:  456 ppid:   455 flags:0x00004000"
//   task, 6.x     "task:wlchild        state:D stack:0     pid:456   ppid:455    flags:0x00004000"
//                 (6.6+ adds "tgid:" before "ppid:")
//
// The hung-task report prints the same task line for the blocked task.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "console/stack_frame.h"

namespace kmx::console {

struct DumpedTask {
  std::string comm;
  int pid = 0;
  std::optional<int> ppid;
  char state = '?';  // R, S, D, T, Z, I, ...
  std::optional<StackFrame> frame;     // the first meaningful frame
  std::vector<std::string> top_frames;  // the first reliable frames, at most kTopFrames
  static constexpr std::size_t kTopFrames = 6;
};

struct TaskDump {
  std::string title;  // "Show Blocked State" or "Show State"
  std::vector<DumpedTask> tasks;
  int tasks_dropped = 0;  // beyond kMaxTasks (memory stays bounded)
  static constexpr std::size_t kMaxTasks = 100000;
};

// "sysrq: Show Blocked State" -> "Show Blocked State".
std::optional<std::string> parse_task_dump_header(std::string_view text);

// A task header line of any era (see above), without its frames.
std::optional<DumpedTask> parse_task_line(std::string_view text);

}  // namespace kmx::console
