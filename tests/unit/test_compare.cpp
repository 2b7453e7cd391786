// Flakiness statistics and the compare classification, on hand-written records.
#include <gtest/gtest.h>

#include "compare/comparison.h"
#include "compare/stats.h"
#include "report/comparison_markdown.h"
#include "results_fixtures.h"
#include "util/error.h"

namespace kmx {
namespace {

using compare::Change;
using fixtures::Rec;

// Newcombe (1998), "Two-sided confidence intervals for the single
// proportion", Table I, method 3 (score interval without continuity correction).
TEST(Wilson, MatchesPublishedIntervals) {
  const struct {
    int k, n;
    double low, high;
  } cases[] = {{81, 263, 0.2553, 0.3662}, {15, 148, 0.0624, 0.1605}, {0, 20, 0.0, 0.1611}, {1, 29, 0.0061, 0.1718}};
  for (const auto& c : cases) {
    const compare::Interval i = compare::wilson(c.k, c.n);
    EXPECT_NEAR(i.low, c.low, 5e-5) << c.k << "/" << c.n;
    EXPECT_NEAR(i.high, c.high, 5e-5) << c.k << "/" << c.n;
  }
}

TEST(Wilson, NoTrialsKnowsNothing) {
  const compare::Interval i = compare::wilson(0, 0);
  EXPECT_EQ(i.low, 0);
  EXPECT_EQ(i.high, 1);
}

// Fisher's lady tasting tea (1935): 3 of 4 cups right against 1 of 4 by
// chance, one-sided p = 17/70; the rest are closed forms of the hypergeometric.
TEST(FisherExact, MatchesKnownValues) {
  const compare::FisherP tea = compare::fisher_exact(1, 4, 3, 4);
  EXPECT_NEAR(tea.greater, 17.0 / 70, 1e-9);
  EXPECT_NEAR(tea.less, 69.0 / 70, 1e-9);
  // One hang in one sample against 18 in 999: the candidate's sample is one of
  // 1000, and it is a hang with probability 19/1000.
  EXPECT_NEAR(compare::fisher_exact(18, 999, 1, 1).greater, 19.0 / 1000, 1e-9);
  EXPECT_NEAR(compare::fisher_exact(9, 12, 1, 12).less, 0.0013797280926, 1e-9);
  const compare::FisherP same = compare::fisher_exact(0, 5, 0, 5);
  EXPECT_NEAR(same.less, 1, 1e-12);
  EXPECT_NEAR(same.greater, 1, 1e-12);
}

TEST(Distribution, CountsClassesHangsAndFlakiness) {
  compare::Distribution d;
  for (const auto& c : fixtures::cells({{.outcome = "completed"}, {.outcome = "container-hang"},
                                        {.outcome = "completed"}, {.outcome = "infra-error"}}))
    d.add(c);
  EXPECT_EQ(d.samples, 3);  // infra-error says nothing about the kernel
  EXPECT_EQ(d.hangs, 1);
  EXPECT_TRUE(d.flaky());
  EXPECT_EQ(d.modal(), "completed");
  EXPECT_EQ(d.text(), "completed 2, container-hang 1, infra-error 1");
}

TEST(Distribution, WrongVictimIsItsOwnClass) {
  const auto c = fixtures::cells({{.outcome = "oom-killed", .flags = {"wrong-victim"}}});
  EXPECT_EQ(compare::result_class(c[0]), "oom-killed/wrong-victim");
  EXPECT_TRUE(compare::is_failure("oom-killed/wrong-victim"));
  EXPECT_FALSE(compare::is_failure("oom-killed"));
}

const compare::CellComparison& find(const compare::Comparison& cmp, const std::string& name) {
  for (const auto& c : cmp.cells)
    if (c.name == name) return c;
  throw std::runtime_error("no cell " + name);
}

TEST(Compare, ClassifiesOutcomeChangesBySeverity) {
  const auto base = fixtures::cells({
      {.name = "fits", .outcome = "completed"},
      {.name = "exceeds", .outcome = "oom-killed", .procs = 40, .victims = {"wlchild"}},
      {.name = "killer-off", .outcome = "container-hang", .procs = 40, .killer_off = true},
      {.name = "root", .outcome = "oom-killed", .procs = 80, .uid = 0},
  });
  const auto candidate = fixtures::cells({
      {.name = "fits", .outcome = "container-hang"},
      {.name = "exceeds", .outcome = "oom-killed", .procs = 40, .flags = {"wrong-victim"}, .victims = {"ctinit"}},
      {.name = "killer-off", .outcome = "oom-killed", .procs = 40, .killer_off = true},
      {.name = "root", .outcome = "oom-killed", .procs = 80, .uid = 0},
  });
  const compare::Comparison cmp = compare::compare_runs(base, candidate);
  EXPECT_EQ(find(cmp, "fits").change, Change::regression);
  EXPECT_EQ(find(cmp, "fits").reason, "completed → container-hang");
  EXPECT_EQ(find(cmp, "exceeds").change, Change::regression);
  EXPECT_EQ(find(cmp, "killer-off").change, Change::improvement);
  EXPECT_EQ(find(cmp, "root").change, Change::unchanged);
  EXPECT_TRUE(cmp.has_regression());
  EXPECT_FALSE(compare::compare_runs(base, base).has_regression());
}

TEST(Compare, MatchesCellsAcrossKernelsByTheirOtherParameters) {
  const auto both = fixtures::cells({
      {.name = "fits-old", .outcome = "completed", .kernel = "/boot/old", .release = "2.6.32"},
      {.name = "fits-new", .outcome = "completed", .kernel = "debian:bookworm"},
      {.name = "big-old", .outcome = "container-hang", .kernel = "/boot/old", .release = "2.6.32", .procs = 80},
      {.name = "big-new", .outcome = "oom-killed", .kernel = "debian:bookworm", .procs = 80},
  });
  // One kernel against two: which one?
  EXPECT_THROW(compare::compare_runs(compare::on_kernel(both, "2.6.32"), both), UsageError);
  // Two against the same two: each kernel with itself.
  auto later = both;
  later[2] = fixtures::cells({{.name = "big-old", .outcome = "panic", .kernel = "/boot/old", .release = "2.6.32",
                               .procs = 80}})[0];
  const compare::Comparison nightly = compare::compare_runs(both, later);
  ASSERT_EQ(nightly.cells.size(), 4u);
  EXPECT_EQ(find(nightly, "big-old").change, Change::regression);
  EXPECT_EQ(find(nightly, "big-new").change, Change::unchanged);
  const compare::Comparison cmp =
      compare::compare_runs(compare::on_kernel(both, "2.6.32"), compare::on_kernel(both, "debian:bookworm"));
  ASSERT_EQ(cmp.cells.size(), 2u);
  EXPECT_EQ(find(cmp, "fits-old").change, Change::unchanged);
  EXPECT_EQ(find(cmp, "big-old").change, Change::improvement);
  EXPECT_THROW(compare::on_kernel(both, "4.19"), UsageError);
}

TEST(Compare, ReportsAddedRemovedAndInconclusive) {
  const auto base = fixtures::cells({{.name = "a", .procs = 1}, {.name = "b", .procs = 2}});
  const auto candidate =
      fixtures::cells({{.name = "b", .outcome = "infra-error", .procs = 2}, {.name = "c", .procs = 3}});
  const compare::Comparison cmp = compare::compare_runs(base, candidate);
  EXPECT_EQ(find(cmp, "a").change, Change::removed);
  EXPECT_EQ(find(cmp, "b").change, Change::inconclusive);
  EXPECT_EQ(find(cmp, "c").change, Change::added);
  EXPECT_FALSE(cmp.has_regression());
}

TEST(Compare, NothingPairedIsSaidWithItsLikelyCause) {
  // The same matrix run on two kernels, with a kernel option for one of them.
  nlohmann::json old_kernel = fixtures::record({.name = "a", .kernel = "/boot/old", .procs = 1});
  nlohmann::json new_kernel = fixtures::record({.name = "a", .kernel = "/boot/new", .procs = 1});
  old_kernel["parameters"]["guest"] = {{"cmdline", "vdso=0"}};
  new_kernel["parameters"]["guest"] = {{"cmdline", ""}};
  const std::vector<results::CellResult> base = {results::cell_result(old_kernel)};
  const std::vector<results::CellResult> candidate = {results::cell_result(new_kernel)};
  const compare::Comparison cmp = compare::compare_runs(base, candidate);
  EXPECT_EQ(cmp.paired(), 0);
  EXPECT_FALSE(cmp.has_regression());
  EXPECT_NE(report::comparison_markdown(cmp, "a", "b", false).find("**Inconclusive: no cell"), std::string::npos);
  EXPECT_EQ(compare::unpaired_cause(base, candidate),
            "their cells differ besides the kernel, in guest.cmdline: \"vdso=0\" in BASE, \"\" in CANDIDATE (not the "
            "same matrix, or a different setting for each kernel?)");
  EXPECT_EQ(compare::unpaired_cause(base, {}), "CANDIDATE holds no cell");
  new_kernel["parameters"]["guest"]["cmdline"] = "vdso=0";
  EXPECT_EQ(compare::compare_runs(base, {results::cell_result(new_kernel)}).paired(), 1)
      << "the kernel alone does not keep cells apart";
}

std::vector<Rec> repeats(int hangs, int total) {
  std::vector<Rec> out;
  for (int i = 0; i < total; ++i) out.push_back({.outcome = i < hangs ? "container-hang" : "completed", .repeat = i});
  return out;
}

TEST(Compare, FlakyCellRegressesOnlyOnASignificantChange) {
  // 1/10 -> 2/10 hangs: mixed outcomes, no significant change.
  const compare::Comparison small = compare::compare_runs(fixtures::cells(repeats(1, 10)), fixtures::cells(repeats(2, 10)));
  EXPECT_EQ(small.cells.at(0).change, Change::flaky);
  EXPECT_FALSE(small.has_regression());
  // 1/10 -> 9/10: significant.
  const compare::Comparison big = compare::compare_runs(fixtures::cells(repeats(1, 10)), fixtures::cells(repeats(9, 10)));
  EXPECT_EQ(big.cells.at(0).change, Change::regression);
  // And back down: an improvement.
  EXPECT_EQ(compare::compare_runs(fixtures::cells(repeats(9, 10)), fixtures::cells(repeats(1, 10))).cells.at(0).change,
            Change::improvement);
}

TEST(Compare, ManyFlakyCellsRaiseTheBarForEach) {
  // One hang against 18 in 999 earlier: p = 0.019, a regression when it is the
  // only flaky cell, chance when it is one of ten (level 0.005).
  std::vector<Rec> base, candidate;
  std::map<std::string, compare::Distribution> history;
  for (int i = 0; i < 10; ++i) {
    base.push_back({.name = "c" + std::to_string(i), .outcome = "oom-killed", .procs = i + 1});
    candidate.push_back({.name = "c" + std::to_string(i), .outcome = i == 0 ? "container-hang" : "oom-killed",
                         .procs = i + 1});
  }
  const auto b = fixtures::cells(base);
  for (const auto& c : b) {
    history[c.cell_id].add("oom-killed", 980);
    history[c.cell_id].add("container-hang", 18);
  }
  EXPECT_EQ(find(compare::compare_runs(b, fixtures::cells(candidate), {}, history), "c0").change, Change::flaky);
  const std::vector<results::CellResult> one_base(b.begin(), b.begin() + 1);
  const auto one_candidate = fixtures::cells({candidate[0]});
  EXPECT_EQ(compare::compare_runs(one_base, one_candidate, {}, history).cells.at(0).change, Change::regression);
}

TEST(Compare, HistoryMakesASingleHangOfAFlakyCellNoRegression) {
  const auto base = fixtures::cells({{.outcome = "completed"}});
  const auto candidate = fixtures::cells({{.outcome = "container-hang"}});
  EXPECT_EQ(compare::compare_runs(base, candidate).cells.at(0).change, Change::regression);
  compare::Distribution history;
  history.add("completed", 3);
  history.add("container-hang", 2);  // the cell hung 2 times in 5 before
  const compare::Comparison cmp = compare::compare_runs(base, candidate, {}, {{base[0].cell_id, history}});
  EXPECT_EQ(cmp.cells.at(0).change, Change::flaky);
  EXPECT_EQ(cmp.cells.at(0).base.samples, 6);
}

TEST(Compare, TimeChangesBeyondNoiseOnly) {
  const auto base = fixtures::cells({{.workload_ms = 10000}});
  const auto a_bit = fixtures::cells({{.workload_ms = 11000}});  // 10%: noise
  const auto much = fixtures::cells({{.workload_ms = 20000}});
  EXPECT_EQ(compare::compare_runs(base, a_bit).cells.at(0).time, compare::TimeChange::none);
  EXPECT_EQ(compare::compare_runs(base, much).cells.at(0).time, compare::TimeChange::slower);
  EXPECT_EQ(compare::compare_runs(much, base).cells.at(0).time, compare::TimeChange::faster);
  EXPECT_FALSE(compare::compare_runs(base, much).has_regression());  // slower is reported, not gated
}

}  // namespace
}  // namespace kmx
