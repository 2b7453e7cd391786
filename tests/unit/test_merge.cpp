#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "results/cells_file.h"
#include "results/cells_log.h"
#include "results/merge.h"
#include "util/error.h"

namespace kmx::results {
namespace {

RunToMerge part(const std::string& dir, const std::string& shard, std::vector<std::string> ids,
                const std::string& sha = "abc", int repeat = 1) {
  RunToMerge r{dir,
               {{"matrix", {{"file", "/" + dir + "/m.toml"}, {"sha256", sha}}},
                {"options", {{"matrix", "/" + dir + "/m.toml"}, {"kernel", ""}, {"repeat", repeat}, {"shard", shard}}},
                {"status", "finished"},
                {"cells_total", static_cast<int>(ids.size())}},
               {}};
  for (const std::string& id : ids) r.records.push_back({{"cell_id", id}, {"repeat", 0}, {"outcome", "completed"}});
  return r;
}

TEST(Merge, ShardsOfOneMatrixBecomeOneRun) {
  const MergedRun m = merge_runs({part("a", "1/2", {"c1", "c2"}), part("b", "2/2", {"c3"})});
  ASSERT_EQ(m.records.size(), 3u);
  EXPECT_EQ(m.records[2].at("cell_id"), "c3");
  EXPECT_EQ(m.run_info.at("cells_total"), 3);
  EXPECT_EQ(m.run_info.at("cells_done"), 3);
  EXPECT_EQ(m.run_info.at("status"), "finished");
  EXPECT_EQ(m.run_info.at("options").at("shard"), "");
  EXPECT_EQ(m.run_info.at("merged_from").size(), 2u);
}

TEST(Merge, AnUnfinishedPartMakesAnInterruptedRun) {
  RunToMerge b = part("b", "2/2", {"c3"});
  b.run_info["status"] = "interrupted";
  EXPECT_EQ(merge_runs({part("a", "1/2", {"c1"}), b}).run_info.at("status"), "interrupted");
}

TEST(Merge, RefusesDifferentMatricesOptionsAndDoubleRecords) {
  EXPECT_THROW(merge_runs({part("a", "1/2", {"c1"}), part("b", "2/2", {"c2"}, "other")}), UsageError);
  EXPECT_THROW(merge_runs({part("a", "1/2", {"c1"}), part("b", "2/2", {"c2"}, "abc", 3)}), UsageError);
  try {
    merge_runs({part("a", "1/2", {"c1"}), part("b", "2/2", {"c1"})});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "merge: cell c1 (run 1) is recorded in both a and b");
  }
  EXPECT_THROW(merge_runs({}), UsageError);
}

// Two shard directories on disk, as two CI jobs leave them.
TEST(Merge, DirectoriesWithEvidenceBecomeOneRunDirectory) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("kmx-unit-merge-" + std::to_string(::getpid()));
  fs::remove_all(root);
  int n = 0;
  for (const auto& [shard, id] : {std::pair{"1/2", "c1"}, std::pair{"2/2", "c2"}}) {
    const fs::path dir = root / ("shard" + std::to_string(++n));
    fs::create_directories(dir / "cells" / id);
    std::ofstream(dir / "cells" / id / "console.log") << "console of " << id;
    std::ofstream(dir / "run.json") << part(dir.string(), shard, {}).run_info.dump();
    CellsLog(dir).append({{"cell_id", id}, {"repeat", 0}, {"evidence", std::string("cells/") + id}});
  }
  merge_run_dirs({root / "shard1", root / "shard2"}, root / "all");
  EXPECT_EQ(read_cells_file(root / "all").records.size(), 2u);
  std::ifstream console(root / "all/cells/c2/console.log");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(console), {}), "console of c2");
  // The merged run is a run: merging into it again is refused.
  EXPECT_THROW(merge_run_dirs({root / "shard1"}, root / "all"), UsageError);
  fs::remove_all(root);
}

}  // namespace
}  // namespace kmx::results
