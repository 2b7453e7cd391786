// The live progress line of a run, as text: done/total, outcomes so far, an
// ETA from the cell times observed, and what each running cell is doing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kmx::runner {

struct ProgressState {
  int done = 0;   // recorded, this attempt and earlier ones (--resume)
  int total = 0;
  int jobs = 1;
  std::map<std::string, int> outcomes;  // of the cells recorded by this attempt
  std::vector<int64_t> cell_ms;         // their durations
  int64_t since_last_ms = 0;            // time since the last of them ended
  std::vector<std::pair<std::string, std::string>> running;  // cell name, phase
};

// "[3/12] 2 completed, 1 oom-killed, ETA 4m10s | fits: booting | exceeds: workload ..."
// cut to `width` characters. No ETA before the first cell ends; it counts
// down from there.
std::string progress_text(const ProgressState& state, size_t width);

// "45s", "4m10s", "2h05m".
std::string format_eta(int64_t seconds);

}  // namespace kmx::runner
