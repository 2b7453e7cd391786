// Pre-upgrade validation: the verdict (safe, unsafe, inconclusive) from an
// OLD vs NEW comparison, what would settle a cell, and its reports.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "compare/validation.h"
#include "report/validation_report.h"
#include "results_fixtures.h"
#include "util/error.h"

namespace kmx {
namespace {

using compare::Safety;
using fixtures::Rec;

Rec old_kernel(Rec r) {
  r.kernel = "centos:6.5";
  r.release = "2.6.32-431.el6.x86_64";
  return r;
}

struct Sides {
  std::vector<results::CellResult> old_cells, new_cells;
  compare::Comparison cmp;
  Sides(std::vector<Rec> olds, std::vector<Rec> news) {
    for (Rec& r : olds) r = old_kernel(r);
    old_cells = fixtures::cells(olds);
    new_cells = fixtures::cells(news);
    cmp = compare::compare_runs(old_cells, new_cells);
  }
  compare::Validation validation(std::vector<compare::NotRunnable> not_runnable = {}) const {
    return compare::validate(cmp, std::move(not_runnable), 0.05);
  }
};

const report::ValidationLabels kLabels{
    .old_kernel = "centos:6.5 (2.6.32-431.el6.x86_64)",
    .new_kernel = "debian:bookworm (6.1.0-56-amd64)",
    .evidence = [](const results::CellResult& c) { return "side/" + c.evidence; }};

TEST(Validate, TheHangFixedIsSafeAndListedAsBetter) {
  const Sides s({{.name = "hang", .outcome = "container-hang"}, {.name = "fits", .procs = 2}},
                {{.name = "hang", .outcome = "oom-killed", .victims = {"wlchild"}}, {.name = "fits", .procs = 2}});
  const compare::Validation v = s.validation();
  EXPECT_EQ(v.safety, Safety::safe);
  EXPECT_EQ(v.exit_code(), kExitOk);
  ASSERT_EQ(v.better.size(), 1u);
  EXPECT_EQ(v.better.front()->name, "hang");
  EXPECT_EQ(v.same.size(), 1u);
  const std::string md = report::validation_markdown(s.cmp, v, kLabels);
  EXPECT_NE(md.find("**safe: no cell is worse on debian:bookworm"), std::string::npos) << md;
  EXPECT_NE(md.find("### Better on NEW (1)"), std::string::npos) << md;
  EXPECT_EQ(md.find("### Worse"), std::string::npos) << md;
}

TEST(Validate, AWrongVictimOnNewIsUnsafeWithBothStoriesAndEvidence) {
  const Sides s({{.name = "exceeds", .outcome = "oom-killed", .victims = {"wlchild"}}, {.name = "fits", .procs = 2}},
                {{.name = "exceeds", .outcome = "oom-killed", .flags = {"wrong-victim"}, .victims = {"ctinit", "wlchild"}},
                 {.name = "fits", .outcome = "container-hang", .procs = 2}});
  const compare::Validation v = s.validation();
  EXPECT_EQ(v.safety, Safety::unsafe);
  EXPECT_EQ(v.exit_code(), 1);
  ASSERT_EQ(v.worse.size(), 2u);
  const std::string md = report::validation_markdown(s.cmp, v, kLabels);
  EXPECT_NE(md.find("unsafe: 2 cell(s) worse"), std::string::npos) << md;
  EXPECT_NE(md.find("- **exceeds**: OLD "), std::string::npos) << md;
  EXPECT_NE(md.find("ctinit"), std::string::npos) << md;  // NEW's wrong victim is named
  EXPECT_NE(md.find("`side/cells/"), std::string::npos) << md;
  const report::Table t = report::validation_table(s.cmp, v, kLabels);
  EXPECT_EQ(t.header[4], "OLD centos:6.5 (2.6.32-431.el6.x86_64)");
  EXPECT_EQ(t.rows[0].back(), "worse");
}

TEST(Validate, UnsafeWinsOverUnsettled) {
  const Sides s({{.name = "a", .procs = 1}, {.name = "b", .procs = 2}},
                {{.name = "a", .outcome = "panic", .procs = 1}, {.name = "b", .outcome = "infra-error", .procs = 2}});
  EXPECT_EQ(s.validation().safety, Safety::unsafe);
}

TEST(Validate, AnInfraErrorLeavesItInconclusive) {
  const Sides s({{.name = "a"}}, {{.name = "a", .outcome = "infra-error", .detail = "qemu died"}});
  const compare::Validation v = s.validation();
  EXPECT_EQ(v.safety, Safety::inconclusive);
  EXPECT_EQ(v.exit_code(), kExitInconclusive);
  ASSERT_EQ(v.unsettled.size(), 1u);
  EXPECT_NE(v.unsettled.front().settle.find("run the cell again"), std::string::npos);
}

TEST(Validate, AnInfraErrorBesideVerdictsStillNeedsARerun) {
  const Sides s({{.name = "a", .repeat = 0}, {.name = "a", .repeat = 1}},
                {{.name = "a", .repeat = 0}, {.name = "a", .outcome = "infra-error", .repeat = 1}});
  const compare::Validation v = s.validation();
  EXPECT_EQ(v.safety, Safety::inconclusive);
  ASSERT_EQ(v.unsettled.size(), 1u);
  EXPECT_NE(v.unsettled.front().why.find("1 infra-error(s)"), std::string::npos);
}

TEST(Validate, AMixedCellWorseButNotSignificantSaysHowManyRepeatsWouldTell) {
  // One hang in three runs on NEW, none on OLD: Fisher's p is 0.5.
  std::vector<Rec> olds, news;
  for (int r = 0; r < 3; ++r) {
    olds.push_back({.name = "a", .repeat = r});
    news.push_back({.name = "a", .outcome = r == 0 ? "container-hang" : "completed", .repeat = r});
  }
  const Sides s(olds, news);
  const compare::Validation v = s.validation();
  EXPECT_EQ(v.safety, Safety::inconclusive);
  ASSERT_EQ(v.unsettled.size(), 1u);
  const int n = compare::repeats_to_tell(0, 3, 1, 3, 0.05);
  EXPECT_GT(n, 3);
  EXPECT_LT(compare::fisher_exact(0, n, n / 3, n).greater, 0.05);
  EXPECT_GE(compare::fisher_exact(0, n - 3, (n - 3) / 3, n - 3).greater, 0.05);  // the fewest that tell
  EXPECT_NE(v.unsettled.front().settle.find(fmt::format("repeat {} more on each kernel", n - 3)), std::string::npos)
      << v.unsettled.front().settle;
}

TEST(Validate, AMixedCellNoWorseOnNewIsSettled) {
  std::vector<Rec> olds, news;
  for (int r = 0; r < 2; ++r) {
    olds.push_back({.name = "a", .outcome = r == 0 ? "container-hang" : "completed", .repeat = r});
    news.push_back({.name = "a", .outcome = r == 0 ? "container-hang" : "completed", .repeat = r});
  }
  EXPECT_EQ(Sides(olds, news).validation().safety, Safety::safe);
}

TEST(Validate, EqualRatesCannotBeToldApart) { EXPECT_EQ(compare::repeats_to_tell(1, 3, 1, 3, 0.05), 0); }

TEST(Validate, ACellNewCannotRunIsInconclusiveWithWhatWouldSettleIt) {
  const Sides s({{.name = "a"}, {.name = "v2", .procs = 3}}, {{.name = "a"}});
  const compare::Validation v = s.validation({{"v2", "NEW", "cgroup v2: CONFIG_MEMCG missing"}});
  EXPECT_EQ(v.safety, Safety::inconclusive);
  const std::string md = report::validation_markdown(s.cmp, v, kLabels);
  EXPECT_NE(md.find("NEW cannot run it: cgroup v2: CONFIG_MEMCG missing"), std::string::npos) << md;
  EXPECT_NE(md.find("but 1 cell(s) are not settled"), std::string::npos) << md;  // told once, not twice
  EXPECT_EQ(md.find("ran on OLD only"), std::string::npos) << md;
}

TEST(Validate, ACellMissingOnOneSideForNoKnownReasonIsUnsettled) {
  const Sides s({{.name = "a"}, {.name = "b", .procs = 3}}, {{.name = "a"}});
  const compare::Validation v = s.validation();
  EXPECT_EQ(v.safety, Safety::inconclusive);
  ASSERT_EQ(v.unsettled.size(), 1u);
  EXPECT_EQ(v.unsettled.front().why, "ran on OLD only");
}

TEST(Validate, HtmlEscapesWhatTheRunHolds) {
  const Sides s({{.name = "<b>x</b>"}}, {{.name = "<b>x</b>", .outcome = "panic"}});
  const compare::Validation v = s.validation();
  const std::string html = report::validation_html(s.cmp, v, kLabels);
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("class=\"safety unsafe\""), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
}

}  // namespace
}  // namespace kmx
