// Reading a finished (or interrupted) run back: DIR/run.json and every line
// of DIR/cells.jsonl, as plain structs for reports, comparisons and the
// history database. The records stay the source of truth; nothing here
// writes to the run directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kmx::results {

struct CellResult {
  std::string cell_id;
  int repeat = 0;  // several records of one cell_id: repeats of the same experiment
  std::string name;
  std::string expect;  // "" = none stated
  std::string kernel_spec;
  std::string kernel_release;
  nlohmann::json parameters;  // matrix::parameters_json: bytes and milliseconds
  std::string outcome;
  std::vector<std::string> flags;
  nlohmann::json victims;  // array of {pid, comm, uid, score, workload_child, ...}
  std::string detail;
  int64_t cell_ms = 0;
  std::optional<int64_t> workload_ms;
  nlohmann::json agent;   // the agent's last counters
  std::string evidence;   // relative to the run directory
  nlohmann::json record;  // the whole line, as written

  bool has_flag(std::string_view flag) const;
};

struct RunResults {
  std::string run_id;
  nlohmann::json info;  // run.json
  std::filesystem::path dir;  // empty when loaded from history and the directory is gone
  std::vector<CellResult> cells;
};

// One cells.jsonl record; throws std::invalid_argument naming the missing or mistyped key.
CellResult cell_result(const nlohmann::json& record);

// A run's identity: where and when it started, and what it ran. Stable across
// re-reads and copies of the directory, so ingesting a run twice is a no-op.
std::string run_id(const nlohmann::json& info);

// Throws UsageError "DIR/cells.jsonl:LINE: ..." for a line that is not a
// record, and when DIR holds no run.json.
RunResults read_run(const std::filesystem::path& dir);

}  // namespace kmx::results
