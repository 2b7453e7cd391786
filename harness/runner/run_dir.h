// A run's output directory: created empty for a new run, or reopened for
// --resume with what the run recorded so far.
#pragma once

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "runner/schedule.h"

namespace kmx::runner {

// New or empty of results: a second run never mixes its verdicts into
// another's cells.jsonl. UsageError if it holds a run or cannot be created.
void create_run_dir(const std::filesystem::path& dir);

struct ResumedRun {
  nlohmann::json run_info;  // run.json as the interrupted run left it
  std::set<RunKey> done;    // (cell ID, repeat) already recorded
};

// Reads DIR/run.json and DIR/cells.jsonl. A torn last line (a write cut by a
// crash) is moved to DIR/cells.jsonl.torn and cut from cells.jsonl, so the
// run appends after its last whole record.
ResumedRun reopen_run_dir(const std::filesystem::path& dir);

}  // namespace kmx::runner
