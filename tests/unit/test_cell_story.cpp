// What a reader of the seed table is told about a cell: the one-line story,
// the victims by role, and whether the cell met its expectation.
#include <gtest/gtest.h>

#include "compare/distribution.h"
#include "report/cell_labels.h"
#include "report/cell_story.h"
#include "report/tables.h"
#include "results_fixtures.h"

namespace kmx {
namespace {

using fixtures::Rec;

// A record whose victims carry the roles the verdict gave them, with the
// agent's last counters and the longest stall.
results::CellResult with_roles(Rec rec, const std::vector<std::pair<std::string, std::string>>& victims,
                               int64_t live, int64_t stall_ms) {
  nlohmann::json j = fixtures::record(rec);
  j["victims"] = nlohmann::json::array();
  int pid = 664;
  for (const auto& [comm, role] : victims)
    j["victims"].push_back({{"pid", pid++}, {"comm", comm}, {"role", role}, {"workload_child", role == "child"}});
  j["agent"]["live"] = live;
  j["timings"]["longest_stall_ms"] = stall_ms;
  return results::cell_result(j);
}

const std::vector<std::pair<std::string, std::string>> kSeedVictims = {
    {"helper", "helper"}, {"helper", "helper"}, {"wlparent", "parent"}, {"ctinit", "helper"}};

TEST(CellStory, SeedHangTellsWrongVictimsLivelockAndStuckChildren) {
  const results::CellResult c = with_roles({.outcome = "container-hang", .procs = 1280,
                                            .flags = {"wrong-victim", "oom-kills-before-hang"},
                                            .workload_ms = 150000},
                                           kSeedVictims, 1186, 48000);
  EXPECT_EQ(report::cell_story(c),
            "wrong victims: helper, helper, wlparent, helper → 48.0s livelock → 1186 children still stuck at "
            "150.0s: container-hang");
  EXPECT_EQ(report::victims_text(c), "3 helper, 1 wlparent") << "the fork named ctinit is a helper";
}

TEST(CellStory, KilledChildrenAndCompletedCells) {
  const results::CellResult killed =
      with_roles({.outcome = "oom-killed", .workload_ms = 47100}, {{"wlchild", "child"}, {"wlchild", "child"}}, 0, 300);
  EXPECT_EQ(report::cell_story(killed), "2 children OOM-killed → all children ended at 47.1s: oom-killed");

  const results::CellResult wrong = with_roles({.outcome = "oom-killed", .flags = {"wrong-victim"}, .workload_ms = 60000},
                                               {{"helper", "helper"}, {"wlchild", "child"}}, 0, 0);
  EXPECT_EQ(report::cell_story(wrong),
            "wrong victims: helper, then 1 child → all children ended at 60.0s: oom-killed/wrong-victim");

  EXPECT_EQ(report::cell_story(fixtures::cells({{.outcome = "completed", .workload_ms = 9400}}).front()),
            "no OOM kill → all children ended at 9.4s: completed");
  EXPECT_EQ(report::cell_story(fixtures::cells({{.outcome = "infra-error", .detail = "agent: swap"}}).front()),
            "infra-error: agent: swap");
}

TEST(CellStory, AParentKilledByAnotherHandIsAStep) {
  results::CellResult c = with_roles({.outcome = "completed", .workload_ms = 20300}, {}, 0, 0);
  c.agent["wlparent"] = "signal:9";
  EXPECT_EQ(report::cell_story(c),
            "no OOM kill → wlparent ended by signal:9, not by the OOM killer → all children ended at 20.3s: completed");
  const results::CellResult oom = with_roles({.outcome = "container-hang", .workload_ms = 150000},
                                             {{"wlparent", "parent"}}, 3, 0);
  EXPECT_EQ(report::cell_story(oom), "wrong victims: wlparent → 3 children still stuck at 150.0s: container-hang");
}

TEST(CellStory, RecordsWithoutRolesUseTheConsoleNames) {
  const results::CellResult old =
      fixtures::cells({{.outcome = "oom-killed", .flags = {"wrong-victim"}, .victims = {"ctinit", "wlchild"}}}).front();
  EXPECT_EQ(report::victims_text(old), "1 ctinit, 1 wlchild");
  EXPECT_EQ(report::cell_story(old).substr(0, 33), "wrong victims: ctinit, then 1 chi");
}

TEST(Expectation, OomKilledIsNotMetByAWrongVictim) {
  const auto cells = fixtures::cells({
      {.name = "right", .outcome = "oom-killed", .procs = 1, .victims = {"wlchild"}, .expect = "oom-killed"},
      {.name = "wrong", .outcome = "oom-killed", .procs = 2, .flags = {"wrong-victim"}, .victims = {"helper"},
       .expect = "oom-killed"},
      {.name = "named", .outcome = "oom-killed", .procs = 3, .flags = {"wrong-victim"}, .victims = {"helper"},
       .expect = "oom-killed/wrong-victim"},
      {.name = "hang", .outcome = "container-hang", .procs = 4, .expect = "oom-killed"},
      {.name = "none", .outcome = "oom-killed", .procs = 5},
  });
  EXPECT_TRUE(compare::meets_expectation(cells[0]));
  EXPECT_FALSE(compare::meets_expectation(cells[1]));
  EXPECT_TRUE(compare::meets_expectation(cells[2]));
  EXPECT_FALSE(compare::meets_expectation(cells[3]));
  EXPECT_FALSE(compare::meets_expectation(cells[4])) << "no expectation is none met";
  EXPECT_EQ(report::cell_status(cells[1]), report::CellStatus::fail);
  EXPECT_EQ(report::cell_status(cells[2]), report::CellStatus::pass);

  const report::Table t = report::seed_table(compare::group_by_cell(cells));
  EXPECT_EQ(t.rows[0].back(), "oom-killed ✓");
  EXPECT_EQ(t.rows[1].back(), "oom-killed ✗");
  EXPECT_EQ(t.rows[2].back(), "oom-killed/wrong-victim ✓");
}

}  // namespace
}  // namespace kmx
