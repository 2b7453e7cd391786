// Builds the reports that are a first line followed by a stack: lockups,
// hung tasks, RCU stalls, BUG/Oops/WARNING (CrashReport), and sysrq task
// dumps (TaskDump), keeping from each stack only its first meaningful frame
// (and a task's first few frames), so memory stays bounded.
//
// A report ends at its "---[ end trace" line, at the first line after its
// call trace that is no part of a report (another CPU's line), at the next
// report's first line, or when the console ends. A crash report ends as soon
// as its meaningful frame is known.
#pragma once

#include <optional>
#include <vector>

#include "console/event.h"
#include "console/keywords.h"
#include "console/line_reader.h"

namespace kmx::console {

class TraceAssembler {
 public:
  bool on_line(const ConsoleLine& line, Keywords keywords, std::vector<Event>& out);
  void close(std::vector<Event>& out);

 private:
  bool on_crash_line(std::string_view text, std::vector<Event>& out);
  bool on_dump_line(std::string_view text, std::vector<Event>& out);
  void finish_task();

  std::optional<CrashReport> crash_;
  std::optional<TaskDump> dump_;
  std::optional<DumpedTask> task_;  // the dump's task whose stack is being read
  std::optional<std::chrono::microseconds> time_;
  FramePicker picker_;
  bool in_trace_ = false;  // frames have started
  int quiet_lines_ = 0;    // lines since the first one that were no part of a report
};

}  // namespace kmx::console
