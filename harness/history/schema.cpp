#include "history/schema.h"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "util/error.h"

namespace kmx::history {

namespace {

// Migration N takes the database from version N to N+1. Released entries are
// never edited: a change of schema is a new entry.
const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> list = {
      // 0 -> 1: runs and their cell records. `record` is the cells.jsonl line
      // as written; the other columns are copies for querying.
      R"(
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  started TEXT NOT NULL,
  ended TEXT,
  status TEXT,
  host TEXT,
  matrix_file TEXT,
  dir TEXT,
  info TEXT NOT NULL
);
CREATE INDEX runs_by_start ON runs(started);
CREATE TABLE cells (
  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  cell_id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  name TEXT NOT NULL,
  kernel_spec TEXT NOT NULL,
  kernel_release TEXT NOT NULL,
  outcome TEXT NOT NULL,
  result_class TEXT NOT NULL,
  workload_ms INTEGER,
  cell_ms INTEGER NOT NULL,
  record TEXT NOT NULL,
  UNIQUE (run_id, cell_id, repeat)
);
-- Covers the outcome counts of a cell across runs (flakiness, compare --history).
CREATE INDEX cells_by_cell ON cells(cell_id, run_id, result_class);
CREATE INDEX cells_by_name ON cells(name);
CREATE INDEX cells_by_kernel ON cells(kernel_release);
)",
  };
  return list;
}

int user_version(Database& db) {
  Statement s = db.prepare("PRAGMA user_version");
  s.step();
  return static_cast<int>(s.integer(0));
}

}  // namespace

int schema_version() { return static_cast<int>(migrations().size()); }

void migrate(Database& db) {
  if (user_version(db) == schema_version()) return;
  Transaction tx(db);
  const int from = user_version(db);
  if (from > schema_version())
    throw UsageError(fmt::format("{}: history schema version {} is newer than this kmatrix knows ({}); use a newer "
                                 "kmatrix or another --db",
                                 db.path().string(), from, schema_version()));
  for (int v = from; v < schema_version(); ++v) db.exec(migrations()[static_cast<size_t>(v)]);
  db.exec(fmt::format("PRAGMA user_version = {}", schema_version()));
  tx.commit();
}

}  // namespace kmx::history
