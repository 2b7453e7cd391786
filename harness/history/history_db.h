// The history of runs in SQLite: ingest a run directory, list past verdicts,
// load a run back, count each cell's outcomes across runs. WAL journal and a
// busy timeout, so runs finishing at the same time can ingest concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compare/distribution.h"
#include "history/sqlite.h"
#include "results/run_results.h"

namespace kmx::history {

// $XDG_DATA_HOME/kmatrix/history.sqlite, else ~/.local/share/kmatrix/history.sqlite.
std::filesystem::path default_db_path();

struct IngestResult {
  std::string run_id;
  int changed = 0;  // run and record rows added or replaced; 0 when ingested before
};

struct HistoryFilter {
  std::string cell;    // a cell's name, or its ID or an ID prefix
  std::string kernel;  // a kernel spec or release
  std::string since;   // runs started at or after this date (ISO 8601, "2026-11-01" will do)
  int limit = 200;     // the most recent records
};

struct HistoryRow {
  std::string started;  // the run's start
  std::string run_id;
  results::CellResult cell;
};

class HistoryDb {
 public:
  // Creates the file and its directory when missing, and migrates the schema.
  explicit HistoryDb(const std::filesystem::path& path);

  // Idempotent: a run already here with the same records changes nothing.
  IngestResult ingest(const results::RunResults& run);

  // Oldest first.
  std::vector<HistoryRow> query(const HistoryFilter& filter);

  // Each matching cell's outcome distribution over every run that matches.
  std::map<std::string, compare::Distribution> distributions(const HistoryFilter& filter);

  // The outcome distribution of these cells over every run but `exclude`.
  std::map<std::string, compare::Distribution> distributions_of(const std::set<std::string>& cell_ids,
                                                                const std::set<std::string>& exclude_runs);

  // A run by ID or unique ID prefix; UsageError when none or several match.
  // dir is set only if the run's directory still exists.
  results::RunResults load_run(const std::string& id);

 private:
  Database db_;
};

}  // namespace kmx::history
