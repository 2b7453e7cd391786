#include "history/history_db.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "history/schema.h"
#include "util/error.h"
#include "util/xdg.h"

namespace kmx::history {

namespace fs = std::filesystem;

fs::path default_db_path() {
  if (const auto data = util::xdg_dir("XDG_DATA_HOME", ".local/share")) return *data / "kmatrix" / "history.sqlite";
  throw HostError("no data directory: neither XDG_DATA_HOME nor HOME is set (use --db)");
}

namespace {

Database open(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) throw HostError(fmt::format("{}: cannot create: {}", path.parent_path().string(), ec.message()));
  return Database(path);
}

// The WHERE clause of a filter over `cells c JOIN runs r`, with its values in order.
std::pair<std::string, std::vector<std::string>> where(const HistoryFilter& f) {
  std::string sql = " WHERE 1";
  std::vector<std::string> values;
  if (!f.cell.empty()) {
    // An ID prefix as a range, so that the cell_id index serves it.
    sql += " AND (c.name = ? OR (c.cell_id >= ? AND c.cell_id < ? || '~'))";
    values.insert(values.end(), {f.cell, f.cell, f.cell});
  }
  if (!f.kernel.empty()) {
    sql += " AND (c.kernel_spec = ? OR c.kernel_release = ?)";
    values.insert(values.end(), {f.kernel, f.kernel});
  }
  if (!f.since.empty()) {
    sql += " AND r.started >= ?";
    values.push_back(f.since);
  }
  return {sql, values};
}

void bind_all(Statement& s, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), values[i]);
}

}  // namespace

HistoryDb::HistoryDb(const fs::path& path) : db_(open(path)) {
  // busy_timeout first: every later statement, the WAL switch included, waits
  // for another writer instead of failing.
  db_.exec("PRAGMA busy_timeout = 30000");
  // Except this one: switching to WAL wants the file to itself, and SQLite
  // does not wait for that, so a first open beside others retries as long.
  for (int waited_ms = 0; !db_.try_exec("PRAGMA journal_mode = WAL"); waited_ms += 20) {
    if (waited_ms >= 30000) db_.fail("PRAGMA journal_mode = WAL");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  db_.exec("PRAGMA synchronous = NORMAL");  // durable at checkpoints; WAL keeps the file consistent
  db_.exec("PRAGMA foreign_keys = ON");
  migrate(db_);
}

IngestResult HistoryDb::ingest(const results::RunResults& run) {
  IngestResult result{run.run_id, 0};
  Transaction tx(db_);
  const nlohmann::json& i = run.info;
  const std::string info = i.dump();
  // Upserts that touch nothing when the same data is already there.
  Statement runs = db_.prepare(R"(
INSERT INTO runs (run_id, started, ended, status, host, matrix_file, dir, info) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (run_id) DO UPDATE SET ended = excluded.ended, status = excluded.status, dir = excluded.dir,
  info = excluded.info
WHERE runs.info IS NOT excluded.info)");
  runs.bind(1, run.run_id)
      .bind(2, i.value("started", ""))
      .bind(3, i.value("ended", ""))
      .bind(4, i.value("status", ""))
      .bind(5, i.value("host", ""))
      .bind(6, i.value("matrix", nlohmann::json::object()).value("file", ""))
      .bind(7, run.dir.empty() ? std::string() : fs::absolute(run.dir).string())
      .bind(8, info);
  runs.step();
  result.changed += db_.changes();

  Statement cells = db_.prepare(R"(
INSERT INTO cells (run_id, cell_id, repeat, name, kernel_spec, kernel_release, outcome, result_class, workload_ms,
                   cell_ms, record)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (run_id, cell_id, repeat) DO UPDATE SET name = excluded.name, outcome = excluded.outcome,
  result_class = excluded.result_class, workload_ms = excluded.workload_ms, cell_ms = excluded.cell_ms,
  record = excluded.record
WHERE cells.record IS NOT excluded.record)");
  for (const results::CellResult& c : run.cells) {
    cells.reset();
    cells.bind(1, run.run_id)
        .bind(2, c.cell_id)
        .bind(3, int64_t{c.repeat})
        .bind(4, c.name)
        .bind(5, c.kernel_spec)
        .bind(6, c.kernel_release)
        .bind(7, c.outcome)
        .bind(8, compare::result_class(c))
        .bind(10, c.cell_ms)
        .bind(11, c.record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (c.workload_ms) cells.bind(9, *c.workload_ms);
    cells.step();
    result.changed += db_.changes();
  }
  tx.commit();
  return result;
}

std::vector<HistoryRow> HistoryDb::query(const HistoryFilter& filter) {
  const auto [clause, values] = where(filter);
  // The most recent `limit` records, returned oldest first.
  Statement s = db_.prepare(fmt::format(
      "SELECT * FROM (SELECT r.started, c.run_id, c.record, c.rowid AS k FROM cells c JOIN runs r USING (run_id){} "
      "ORDER BY r.started DESC, k DESC LIMIT {}) ORDER BY started, k",
      clause, filter.limit));
  bind_all(s, values);
  std::vector<HistoryRow> rows;
  while (s.step()) rows.push_back({s.text(0), s.text(1), results::cell_result(nlohmann::json::parse(s.text(2)))});
  return rows;
}

std::map<std::string, compare::Distribution> HistoryDb::distributions(const HistoryFilter& filter) {
  const auto [clause, values] = where(filter);
  Statement s = db_.prepare(fmt::format(
      "SELECT c.cell_id, c.result_class, count(*) FROM cells c JOIN runs r USING (run_id){} "
      "GROUP BY c.cell_id, c.result_class",
      clause));
  bind_all(s, values);
  std::map<std::string, compare::Distribution> out;
  while (s.step()) out[s.text(0)].add(s.text(1), static_cast<int>(s.integer(2)));
  return out;
}

std::map<std::string, compare::Distribution> HistoryDb::distributions_of(const std::set<std::string>& cell_ids,
                                                                         const std::set<std::string>& exclude_runs) {
  std::map<std::string, compare::Distribution> out;
  Statement s = db_.prepare("SELECT result_class, run_id, count(*) FROM cells WHERE cell_id = ? GROUP BY run_id, result_class");
  for (const std::string& id : cell_ids) {
    s.reset();
    s.bind(1, id);
    while (s.step())
      if (!exclude_runs.contains(s.text(1))) out[id].add(s.text(0), static_cast<int>(s.integer(2)));
  }
  return out;
}

results::RunResults HistoryDb::load_run(const std::string& id) {
  Statement runs = db_.prepare("SELECT run_id, info, dir FROM runs WHERE substr(run_id, 1, length(?1)) = ?1 LIMIT 2");
  runs.bind(1, id);
  if (!runs.step()) throw UsageError(fmt::format("--run {}: no such run in {}", id, db_.path().string()));
  results::RunResults run;
  run.run_id = runs.text(0);
  run.info = nlohmann::json::parse(runs.text(1));
  if (const fs::path dir = runs.text(2); !dir.empty() && fs::exists(dir / "cells.jsonl")) run.dir = dir;
  if (runs.step()) throw UsageError(fmt::format("--run {}: ambiguous, give more of the ID", id));
  Statement cells = db_.prepare("SELECT record FROM cells WHERE run_id = ? ORDER BY rowid");
  cells.bind(1, run.run_id);
  while (cells.step()) run.cells.push_back(results::cell_result(nlohmann::json::parse(cells.text(0))));
  return run;
}

}  // namespace kmx::history
