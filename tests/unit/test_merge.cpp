#include <gtest/gtest.h>

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

}  // namespace
}  // namespace kmx::results
