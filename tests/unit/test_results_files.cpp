#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "results/cells_log.h"
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

}  // namespace
}  // namespace kmx
