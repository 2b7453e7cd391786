#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "results/cells_file.h"
#include "results/cells_log.h"
#include "runner/run_dir.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace kmx {
namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("kmx-unit-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(CellsLog, AppendsOneCompleteLinePerRecord) {
  const fs::path dir = fresh_dir("cellslog");
  {
    results::CellsLog log(dir);
    log.append({{"cell_id", "a"}, {"outcome", "completed"}});
  }
  results::CellsLog again(dir);  // a resumed writer appends, never truncates
  again.append({{"cell_id", "b"}, {"outcome", "oom-killed"}});
  std::ifstream in(dir / "cells.jsonl");
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["cell_id"], "a");
  EXPECT_EQ(lines[1]["outcome"], "oom-killed");
}

TEST(CellsLog, UnwritableDirectoryIsAHostError) {
  EXPECT_THROW(results::CellsLog(fs::path("/nonexistent/kmx")), HostError);
}

TEST(AtomicFile, ReplacesWholeAndLeavesNoTemporaries) {
  const fs::path dir = fresh_dir("atomic");
  util::write_file_atomically(dir / "run.json", "first");
  util::write_file_atomically(dir / "run.json", "second");
  std::ifstream in(dir / "run.json");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(CellsFile, ATornLastLineIsSetApartNotRead) {
  const std::string whole = R"({"cell_id":"a","outcome":"completed"})" "\n" R"({"cell_id":"b","repeat":1})" "\n";
  const results::CellsFile f = results::parse_cells_jsonl(whole + R"({"cell_id":"c","outc)", "x");
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.intact_bytes, whole.size());
  EXPECT_EQ(f.torn_tail, R"({"cell_id":"c","outc)");
  EXPECT_EQ(results::record_key(f.records[0]), (std::pair<std::string, int>{"a", 0}));
  EXPECT_EQ(results::record_key(f.records[1]), (std::pair<std::string, int>{"b", 1}));
  // A whole record cut just before its newline is torn too: its write did not finish.
  EXPECT_EQ(results::parse_cells_jsonl(R"({"cell_id":"a"})", "x").records.size(), 0u);
  EXPECT_TRUE(results::parse_cells_jsonl("", "x").records.empty());
}

TEST(CellsFile, ABadLineBeforeTheLastIsAnError) {
  try {
    results::parse_cells_jsonl("{\"cell_id\":\"a\"}\nnot json\n{\"cell_id\":\"b\"}\n", "run/cells.jsonl");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "run/cells.jsonl:2: not a cell record");
  }
}

TEST(RunDir, ResumeCutsTheTornLineAndKeepsItAside) {
  const fs::path dir = fresh_dir("resume");
  util::write_file_atomically(dir / "run.json", R"({"options":{"matrix":"m.toml"},"status":"running"})");
  std::ofstream(dir / "cells.jsonl") << R"({"cell_id":"a","repeat":0})" << "\n" << R"({"cell_id":"b")";
  const runner::ResumedRun r = runner::reopen_run_dir(dir);
  EXPECT_EQ(r.done, (std::set<runner::RunKey>{{"a", 0}}));
  EXPECT_EQ(fs::file_size(dir / "cells.jsonl"), std::string(R"({"cell_id":"a","repeat":0})").size() + 1);
  std::ifstream torn(dir / "cells.jsonl.torn");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(torn), {}), R"({"cell_id":"b")");
  // Appending after the cut gives whole lines again.
  results::CellsLog(dir).append({{"cell_id", "b"}});
  EXPECT_EQ(results::read_cells_file(dir).records.size(), 2u);
  EXPECT_TRUE(results::read_cells_file(dir).torn_tail.empty());
}

TEST(RunDir, ResumeWantsARunDirectory) {
  EXPECT_THROW(runner::reopen_run_dir(fresh_dir("notarun")), UsageError);
  const fs::path dir = fresh_dir("held");
  runner::create_run_dir(dir / "out");
  util::write_file_atomically(dir / "out/run.json", "{}");
  EXPECT_THROW(runner::create_run_dir(dir / "out"), UsageError);
}

}  // namespace
}  // namespace kmx
