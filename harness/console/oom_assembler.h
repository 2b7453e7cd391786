// Builds OomReports from console lines. At most one report is open: the
// kernel prints a report under its OOM lock, but other CPUs' lines may
// interleave, so lines that are not the report's pass through untouched.
// A report ends at its kill line, at the next report's header, at a panic,
// or when the console ends.
#pragma once

#include <optional>
#include <vector>

#include "console/event.h"
#include "console/keywords.h"
#include "console/line_reader.h"

namespace kmx::console {

class OomAssembler {
 public:
  // Takes the line if it belongs to an OOM report (appending any events);
  // returns false to let other recognizers have it.
  bool on_line(const ConsoleLine& line, Keywords keywords, std::vector<Event>& out);
  // Ends the open report, if any.
  void close(std::vector<Event>& out);

 private:
  OomReport& open(const ConsoleLine& line);
  void on_killed(OomKill kill, const ConsoleLine& line, std::vector<Event>& out);

  std::optional<OomReport> report_;
  std::optional<std::vector<TaskColumn>> columns_;  // while the task table is being printed
};

}  // namespace kmx::console
