// A cell's evidence, boiled down for a report: the console lines around the
// first OOM report (or panic, or hung-task dump) and the agent's counters
// over time. The parsing is pure; load_evidence reads the files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "results/run_results.h"

namespace kmx::report {

struct ConsoleExcerpt {
  int first_line = 0;  // 1-based line number of lines[0] in console.log
  std::vector<std::string> lines;
};

// Around the first OOM invocation, else the first panic, lockup or blocked
// task dump, else the console's last lines; at most max_lines lines.
ConsoleExcerpt console_excerpt(std::string_view console, int max_lines = 40);

struct CounterSample {
  int64_t up_ms = 0;  // guest uptime
  int64_t usage = 0;  // memcg usage, bytes
  int64_t live = 0;   // workload children alive
  int64_t killed = 0;
};

// The heartbeats of agent.log (lines the harness sent, "> ...", and lines
// that do not parse are skipped).
std::vector<CounterSample> counter_series(std::string_view agent_log);

struct Evidence {
  ConsoleExcerpt console;
  std::vector<CounterSample> counters;
};

// Where formatters get a cell's evidence: from the run directory, or from a
// test's fixture. Formatters stay pure and read only the cells they show.
using EvidenceSource = std::function<Evidence(const results::CellResult&)>;

// Reads RUN_DIR/<evidence>/console.log and agent.log; missing files (or an
// empty run_dir, for a run whose directory is gone) give empty parts.
EvidenceSource evidence_from(const std::filesystem::path& run_dir);

// The excerpt as text, one console line per line.
std::string excerpt_text(const ConsoleExcerpt& excerpt);

}  // namespace kmx::report
