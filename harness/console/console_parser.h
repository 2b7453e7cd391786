// The kernel console, understood: raw ttyS0 bytes in, events out (see
// event.h), with the OOM kills and the first panic remembered for the
// verdict. Pure and streaming: memory is bounded by the largest report in
// flight (plus one small OomKill per kill), never by the log.
//
// One kill may take several lines (a choice line and a "Killed process" line
// up to 5.0; an "oom-kill:" summary and a "Killed process" line from 4.19):
// the "Killed process" line is the one every era prints for every kill, so
// it is what counts a kill; the others, seen before it, only enrich it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "console/event.h"
#include "console/line_reader.h"
#include "console/oom_assembler.h"
#include "console/trace_assembler.h"

namespace kmx::console {

class ConsoleParser {
 public:
  explicit ConsoleParser(std::size_t max_line = 4096);

  std::vector<Event> feed(std::string_view bytes);
  // Parses the torn last line, if any, and ends the open reports: call once
  // when the console closed.
  std::vector<Event> finish();

  const std::vector<OomKill>& oom_kills() const { return kills_; }
  // "invoked oom-killer" headers seen. A lower bound of the OOM killer's
  // runs: 3.x+ rate-limit the header but never the kill line.
  int oom_invocations() const { return invocations_; }
  const std::optional<std::string>& panic() const { return panic_; }  // the first panic's reason
  int truncated_lines() const { return reader_.truncated(); }

 private:
  void on_line(const ConsoleLine& line, std::vector<Event>& out);
  void remember(const std::vector<Event>& events, std::size_t from);

  LineReader reader_;
  OomAssembler oom_;
  TraceAssembler traces_;
  std::vector<OomKill> kills_;
  int invocations_ = 0;
  std::optional<std::string> panic_;
};

}  // namespace kmx::console
