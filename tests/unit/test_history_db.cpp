// The SQLite history: schema migration, idempotent ingest, concurrent
// writers, queries, and loading a run back.
#include <gtest/gtest.h>

#include <thread>

#include <fmt/format.h>

#include "history/history_db.h"
#include "history/schema.h"
#include "results_fixtures.h"
#include "util/error.h"

namespace kmx {
namespace {

using fixtures::Rec;

int64_t scalar(const std::filesystem::path& db, const std::string& sql) {
  history::Database d(db);
  history::Statement s = d.prepare(sql);
  s.step();
  return s.integer(0);
}

TEST(HistoryDb, NewDatabaseIsMigratedToTheCurrentSchemaInWalMode) {
  const auto db = fixtures::fresh_dir("hist-new") / "sub" / "h.sqlite";
  history::HistoryDb{db};
  EXPECT_EQ(scalar(db, "PRAGMA user_version"), history::schema_version());
  history::Database d(db);
  history::Statement s = d.prepare("PRAGMA journal_mode");
  s.step();
  EXPECT_EQ(s.text(0), "wal");
  history::HistoryDb{db};  // reopening migrates nothing
  EXPECT_EQ(scalar(db, "PRAGMA user_version"), history::schema_version());
}

TEST(HistoryDb, RefusesADatabaseFromANewerKmatrix) {
  const auto db = fixtures::fresh_dir("hist-newer") / "h.sqlite";
  history::Database(db).exec("PRAGMA user_version = 99");
  EXPECT_THROW(history::HistoryDb{db}, UsageError);
}

TEST(HistoryDb, IngestingTwiceChangesNothing) {
  const auto db_path = fixtures::fresh_dir("hist-twice") / "h.sqlite";
  history::HistoryDb db(db_path);
  const results::RunResults run = fixtures::run({{.name = "a"}, {.name = "b", .outcome = "container-hang", .procs = 9}});
  EXPECT_EQ(db.ingest(run).changed, 3);  // the run and two records
  EXPECT_EQ(db.ingest(run).changed, 0);
  EXPECT_EQ(scalar(db_path, "SELECT count(*) FROM cells"), 2);
  EXPECT_EQ(scalar(db_path, "SELECT count(*) FROM runs"), 1);
}

TEST(HistoryDb, ConcurrentWritersAllLand) {
  const auto db_path = fixtures::fresh_dir("hist-concurrent") / "h.sqlite";
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      history::HistoryDb db(db_path);  // each its own connection, as separate processes would be
      for (int r = 0; r < 10; ++r) {
        std::vector<Rec> recs;
        for (int c = 0; c < 20; ++c) recs.push_back({.name = "c" + std::to_string(c), .procs = c + 1});
        db.ingest(fixtures::run(recs, fmt::format("2026-11-01T{:02}:{:02}:00Z", w, r)));
      }
    });
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(scalar(db_path, "SELECT count(*) FROM runs"), 40);
  EXPECT_EQ(scalar(db_path, "SELECT count(*) FROM cells"), 800);
}

TEST(HistoryDb, QueriesByCellKernelAndDateWithDistributions) {
  const auto db_path = fixtures::fresh_dir("hist-query") / "h.sqlite";
  history::HistoryDb db(db_path);
  db.ingest(fixtures::run({{.name = "fits"}, {.name = "big", .outcome = "container-hang", .procs = 80}},
                          "2026-10-01T00:00:00Z"));
  db.ingest(fixtures::run({{.name = "fits"}, {.name = "big", .outcome = "oom-killed", .procs = 80}},
                          "2026-11-01T00:00:00Z"));
  db.ingest(fixtures::run({{.name = "big", .outcome = "oom-killed", .kernel = "/boot/k", .release = "6.6", .procs = 80}},
                          "2026-11-02T00:00:00Z"));

  const auto big = db.query({.cell = "big"});
  ASSERT_EQ(big.size(), 3u);
  EXPECT_EQ(big[0].started, "2026-10-01T00:00:00Z");  // oldest first
  EXPECT_EQ(big[0].cell.outcome, "container-hang");
  EXPECT_EQ(db.query({.cell = big[0].cell.cell_id.substr(0, 6)}).size(), 2u);  // an ID prefix: one kernel's cell
  EXPECT_EQ(db.query({.kernel = "6.6"}).size(), 1u);
  EXPECT_EQ(db.query({.since = "2026-10-15"}).size(), 3u);
  EXPECT_EQ(db.query({.cell = "big", .limit = 1}).at(0).started, "2026-11-02T00:00:00Z");  // the most recent

  const auto d = db.distributions({.cell = "big", .kernel = "debian:bookworm"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.begin()->second.text(), "container-hang 1, oom-killed 1");
  EXPECT_TRUE(d.begin()->second.flaky());

  const std::string first_run = big[0].run_id;
  const auto others = db.distributions_of({big[0].cell.cell_id}, {first_run});
  EXPECT_EQ(others.at(big[0].cell.cell_id).text(), "oom-killed 1");
}

TEST(HistoryDb, LoadsARunBackByIdPrefix) {
  const auto dir = fixtures::fresh_dir("hist-load");
  const results::RunResults run =
      fixtures::run({{.name = "a", .repeat = 0}, {.name = "a", .outcome = "container-hang", .repeat = 1}});
  fixtures::write_run_dir(dir / "run", run);
  history::HistoryDb db(dir / "h.sqlite");
  db.ingest(results::read_run(dir / "run"));
  const results::RunResults back = db.load_run(run.run_id.substr(0, 5));
  EXPECT_EQ(back.run_id, run.run_id);
  ASSERT_EQ(back.cells.size(), 2u);
  EXPECT_EQ(back.cells[1].repeat, 1);
  EXPECT_EQ(back.cells[1].outcome, "container-hang");
  EXPECT_EQ(back.dir, dir / "run");
  EXPECT_THROW(db.load_run("zzzz"), UsageError);
}

TEST(RunResults, ABadLineNamesFileAndLine) {
  const auto dir = fixtures::fresh_dir("bad-line");
  fixtures::write_run_dir(dir, fixtures::run({{}}));
  std::ofstream(dir / "cells.jsonl", std::ios::app) << "{\"cell_id\": \"x\"}\n";
  try {
    results::read_run(dir);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("cells.jsonl:2: not a cell record: no \"name\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(results::read_run(dir / "missing"), UsageError);
}

}  // namespace
}  // namespace kmx
