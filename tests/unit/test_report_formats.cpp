// Report formatters on hand-written records: escaping, the pivot, Markdown,
// CSV quoting, JUnit against its schema, KCIDB JSON, and HTML that shows
// markup from a run as text.
#include <gtest/gtest.h>

#include <fstream>

#include "agent/protocol.h"
#include "report/csv.h"
#include "report/escape.h"
#include "report/evidence.h"
#include "report/html.h"
#include "report/junit.h"
#include "report/kcidb.h"
#include "report/markdown.h"
#include "report/pivot.h"
#include "results_fixtures.h"
#include "util/error.h"
#include "util/subprocess.h"

namespace kmx {
namespace {

using fixtures::Rec;

constexpr const char* kHostile = "<script>document.title='pwned'</script><img src=x onerror=\"alert(1)\">";

// Evidence as a test wants it: a console excerpt and two heartbeats.
report::EvidenceSource fixed_evidence(std::vector<std::string> console) {
  return [console](const results::CellResult&) {
    return report::Evidence{{.first_line = 10, .lines = console},
                            {{0, 10 << 20, 8, 0}, {1000, 90 << 20, 4, 4}}};
  };
}

results::RunResults two_kernel_run() {
  return fixtures::run({
      {.name = "fits", .outcome = "completed", .expect = "completed"},
      {.name = "big", .outcome = "oom-killed", .procs = 40, .victims = {"wlchild", "wlchild"}},
      {.name = "fits-old", .outcome = "completed", .kernel = "/boot/old", .release = "2.6.32"},
      {.name = "big-old", .outcome = "container-hang", .kernel = "/boot/old", .release = "2.6.32", .procs = 40,
       .detail = "workload not done within 60000 ms"},
  });
}

TEST(Escape, MarkupEntitiesAndForbiddenBytes) {
  EXPECT_EQ(report::markup_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(report::markup_escape("esc\x1b[0m tab\t"), "esc\xEF\xBF\xBD[0m tab\t");
  EXPECT_EQ(report::markup_escape("bad \xff utf8 \xc3\xa9"), "bad \xEF\xBF\xBD utf8 \xc3\xa9");
  EXPECT_EQ(report::markup_escape("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

TEST(Escape, CsvQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(report::csv_field("plain"), "plain");
  EXPECT_EQ(report::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(report::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(report::csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(report::csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(report::csv_field("@sum"), "'@sum");
}

TEST(Escape, MarkdownCellKeepsTheTableShape) {
  EXPECT_EQ(report::markdown_cell("a|b\nc <b>"), "a\\|b c &lt;b&gt;");
}

TEST(Pivot, RowsAndColumnsInFirstAppearanceOrder) {
  const results::RunResults run = two_kernel_run();
  const report::Pivot p = report::make_pivot(run.cells, report::parse_pivot("workload:kernel"));
  EXPECT_EQ(p.rows, (std::vector<std::string>{"non-root 8 × 4M", "non-root 40 × 4M"}));
  EXPECT_EQ(p.cols, (std::vector<std::string>{"6.1.0-56-amd64", "2.6.32"}));
  EXPECT_EQ(report::bucket_text(p.at(1, 0)), "oom-killed: 2 wlchild, 3.0s");
  EXPECT_EQ(report::bucket_text(p.at(1, 1)), "container-hang, 3.0s");
  EXPECT_EQ(report::worst_class(p.at(1, 1)), "container-hang");
  const report::Pivot by_param = report::make_pivot(run.cells, report::parse_pivot("workload.procs:outcome"));
  EXPECT_EQ(by_param.rows, (std::vector<std::string>{"8", "40"}));
  EXPECT_EQ(by_param.cols, (std::vector<std::string>{"completed", "oom-killed", "container-hang"}));
}

TEST(Pivot, BadSpecsAreUsageErrors) {
  const results::RunResults run = two_kernel_run();
  EXPECT_THROW(report::parse_pivot("workload"), UsageError);
  EXPECT_THROW(report::make_pivot(run.cells, report::parse_pivot("flavour:kernel")), UsageError);
  EXPECT_THROW(report::make_pivot(run.cells, report::parse_pivot("workload.nothing:kernel")), UsageError);
}

TEST(Pivot, RepeatsOfOneCellShowTheirDistribution) {
  const auto cells = fixtures::cells({{.outcome = "completed", .repeat = 0}, {.outcome = "container-hang", .repeat = 1},
                                      {.outcome = "completed", .repeat = 2}});
  const report::Pivot p = report::make_pivot(cells, {});
  EXPECT_EQ(report::bucket_text(p.at(0, 0)), "completed 2, container-hang 1");
}

TEST(Markdown, SeedTableAndPivot) {
  const std::string md = report::markdown_report(two_kernel_run(), {});
  EXPECT_NE(md.find("| cell | run as | processes × size | share of limit | kernel | what happened | expected |"), std::string::npos);
  EXPECT_NE(md.find("| fits | non-root | 8 × 4M | 4.17% | 6.1.0-56-amd64 | no OOM kill → all children ended at 3.0s: completed | "
                    "completed ✓ |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| workload \\ kernel | 6.1.0-56-amd64 | 2.6.32 |"), std::string::npos) << md;
  EXPECT_EQ(md.find("Flakiness"), std::string::npos);  // no repeats
}

TEST(Markdown, RepeatsAddAFlakinessTableWithWilsonIntervals) {
  std::vector<Rec> recs;
  for (int i = 0; i < 10; ++i) recs.push_back({.outcome = i < 3 ? "container-hang" : "completed", .repeat = i});
  const std::string md = report::markdown_report(fixtures::run(recs), {});
  EXPECT_NE(md.find("| fits | 10 | completed 7, container-hang 3 | 30.0% [10.8%, 60.3%] | flaky |"), std::string::npos)
      << md;
}

TEST(Csv, OneQuotedRowPerRecord) {
  results::RunResults run = fixtures::run({{.name = "a,\"b\"", .outcome = "oom-killed", .victims = {"wlchild"}},
                                           {.name = "=cmd()", .detail = "line1\nline2"}});
  const std::string csv = report::csv_report(run);
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = csv.find("\r\n", start)) != std::string::npos; start = end + 2)
    lines.push_back(csv.substr(start, end - start));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[0].starts_with("run_id,cell_id,repeat,name,"));
  EXPECT_NE(lines[1].find(",\"a,\"\"b\"\"\",6.1.0-56-amd64,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(",'=cmd(),"), std::string::npos) << lines[2];
  EXPECT_TRUE(lines[2].ends_with(",\"line1\nline2\"")) << lines[2];
}

std::string validate_junit(const std::string& xml) {
  const auto dir = fixtures::fresh_dir("junit");
  std::ofstream(dir / "report.xml") << xml;
  const util::CommandResult r = util::run_command(
      "xmllint", {"--noout", "--schema", KMATRIX_TEST_DATA "/junit/junit.xsd", (dir / "report.xml").string()});
  return r.exit_code == 0 ? "" : r.err;
}

TEST(Junit, ValidatesAgainstTheSchemaWithHostileText) {
  results::RunResults run = two_kernel_run();
  run.cells[1].name = kHostile;
  const std::string xml = report::junit_report(run, fixed_evidence({"[ 1.0] \x1b[1m<script>x</script> & \xff"}));
  EXPECT_EQ(validate_junit(xml), "");
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  EXPECT_NE(xml.find("tests=\"4\" failures=\"1\" errors=\"0\""), std::string::npos) << xml;
  // The hang fails, with its detail as the message and the console as the body.
  EXPECT_NE(xml.find("<failure message=\"container-hang: workload not done within 60000 ms\" type=\"container-hang\">"
                     "[ 1.0] \xEF\xBF\xBD[1m&lt;script&gt;"),
            std::string::npos)
      << xml;
}

TEST(Junit, ExpectationDecidesAndInfraErrorIsAnError) {
  const results::RunResults run = fixtures::run({
      {.name = "expected-hang", .outcome = "container-hang", .expect = "container-hang"},
      {.name = "surprise", .outcome = "completed", .procs = 2, .expect = "oom-killed"},
      {.name = "host", .outcome = "infra-error", .procs = 3},
  });
  const std::string xml = report::junit_report(run, fixed_evidence({}));
  EXPECT_EQ(validate_junit(xml), "");
  EXPECT_NE(xml.find("tests=\"3\" failures=\"1\" errors=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("message=\"expected oom-killed, got completed\""), std::string::npos);
}

TEST(Junit, SchemaRejectsABrokenReport) {
  // The validation above can fail: a testcase without its time is refused.
  EXPECT_NE(validate_junit("<testsuites><testsuite name=\"x\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"1\" "
                           "timestamp=\"2026-01-01T00:00:00\" hostname=\"h\"><testcase name=\"a\" classname=\"b\"/>"
                           "</testsuite></testsuites>"),
            "");
}

TEST(Kcidb, CheckoutsBuildsAndTestsLinkedByOriginIds) {
  const auto j = nlohmann::json::parse(report::kcidb_report(two_kernel_run(), fixed_evidence({"oom \xff line"})));
  EXPECT_EQ(j.at("version"), (nlohmann::json{{"major", 4}, {"minor", 3}}));
  ASSERT_EQ(j.at("builds").size(), 2u);  // one per kernel
  ASSERT_EQ(j.at("tests").size(), 4u);
  std::set<std::string> builds;
  for (const auto& b : j.at("builds")) builds.insert(b.at("id").get<std::string>());
  for (const auto& t : j.at("tests")) {
    EXPECT_TRUE(t.at("id").get<std::string>().starts_with("kmatrix:"));
    EXPECT_TRUE(builds.contains(t.at("build_id").get<std::string>()));
    EXPECT_TRUE(t.at("path").get<std::string>().starts_with("kmatrix.memcg_oom."));
  }
  EXPECT_EQ(j.at("tests")[3].at("status"), "FAIL");
  EXPECT_EQ(j.at("tests")[3].at("log_excerpt"), "oom \xEF\xBF\xBD line\n");
  EXPECT_EQ(j.at("tests")[0].at("status"), "PASS");
  EXPECT_EQ(j.dump().find("null"), std::string::npos);  // KCIDB allows no nulls
}

TEST(Html, HostileNamesAndConsoleLinesAreText) {
  results::RunResults run = two_kernel_run();
  run.cells[0].name = kHostile;
  const std::string html = report::html_report(run, report::parse_pivot("cell:kernel"), fixed_evidence({kHostile}));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"o-container-hang\"><a href=\"#cell-"), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);
}

TEST(Evidence, ExcerptStartsAtTheOomReport) {
  std::string console;
  for (int i = 1; i <= 100; ++i) console += i == 50 ? "wlchild invoked oom-killer: gfp_mask=0xcc0\n" : "line\n";
  const report::ConsoleExcerpt e = report::console_excerpt(console, 10);
  EXPECT_EQ(e.first_line, 47);
  ASSERT_EQ(e.lines.size(), 10u);
  EXPECT_EQ(e.lines[3], "wlchild invoked oom-killer: gfp_mask=0xcc0");
  EXPECT_EQ(report::console_excerpt("a\nb\nc\n", 2).first_line, 2);  // no anchor: the end
}

TEST(Evidence, CounterSeriesFromHeartbeats) {
  const std::string log =
      "@km1 1 ready proto=1 #00000000\n"
      "> @km1 1 cell procs=1 #00000000\n" +
      agent::format_line(2, "hb", {{"up", "3659"}, {"started", "40"}, {"finished", "0"}, {"killed", "3"}, {"live", "37"},
                                   {"usage", "100433920"}, {"failcnt", "1"}, {"under_oom", "0"}, {"oom_kills", "3"},
                                   {"cpu_user", "1"}, {"cpu_sys", "2"}, {"cpu_idle", "3"}});
  const auto series = report::counter_series(log);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].up_ms, 3659);
  EXPECT_EQ(series[0].usage, 100433920);
  EXPECT_EQ(series[0].live, 37);
  EXPECT_EQ(series[0].killed, 3);
}

}  // namespace
}  // namespace kmx
