#include "runner/progress.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace kmx::runner {

std::string format_eta(int64_t s) {
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string progress_text(const ProgressState& state, size_t width) {
  std::string line = fmt::format("[{}/{}]", state.done, state.total);
  const char* sep = " ";
  for (const auto& [outcome, n] : state.outcomes) {
    line += fmt::format("{}{} {}", sep, n, outcome);
    sep = ", ";
  }
  if (!state.cell_ms.empty() && state.done < state.total) {
    // Cells still to start or finish, spread over the jobs, at the mean pace so far.
    const double mean = std::accumulate(state.cell_ms.begin(), state.cell_ms.end(), 0.0) / state.cell_ms.size();
    const double left =
        std::max(0.0, ((state.total - state.done) * mean / std::max(1, state.jobs) - state.since_last_ms) / 1000.0);
    line += fmt::format("{}ETA {}", sep, format_eta(static_cast<int64_t>(left + 0.5)));
  }
  for (const auto& [name, phase] : state.running) line += fmt::format(" | {}: {}", name, phase);
  if (width > 0 && line.size() > width) line.resize(width);
  return line;
}

}  // namespace kmx::runner
