// The smoke run (booted once, shared with test_smoke_vm.cpp) through the
// results commands, as a user runs them: it is already in the history,
// reports in every format, compares equal to itself, and a copy doctored to
// hang where the run completed is a regression (exit 1).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "matrix_run.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kmx::vmtest;

namespace {

struct Result {
  int exit_code = -1;
  std::string out;
};

// `kmatrix ARGS` with the run's private history database; stdout captured.
Result kmatrix(const std::string& args) {
  const MatrixRun& run = smoke_run();
  const fs::path out = run.dir.string() + "-cmd.out";
  const int status = std::system(fmt::format("XDG_DATA_HOME='{}' '{}' {} >'{}'",
                                             run.history_db.parent_path().parent_path().string(), KMATRIX_BINARY, args,
                                             out.string())
                                     .c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out)};
}

std::string dir() { return "'" + smoke_run().dir.string() + "'"; }

TEST(SmokeResults, TheRunIngestedItselfIntoTheHistory) {
  ASSERT_TRUE(fs::exists(smoke_run().history_db));
  const Result h = kmatrix("history fits");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("| fits | 6.1."), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("| completed |"), std::string::npos) << h.out;
  EXPECT_EQ(kmatrix("ingest " + dir()).exit_code, 0);  // again: a no-op
  EXPECT_EQ(kmatrix("history --kernel debian:bookworm").out, kmatrix("history --kernel debian:bookworm").out);
}

TEST(SmokeResults, ReportsInEveryFormat) {
  const Result md = kmatrix("report " + dir());
  EXPECT_EQ(md.exit_code, 0);
  EXPECT_NE(md.out.find("| exceeds | non-root | 40 × 8M | 8.33% |"), std::string::npos) << md.out;
  // Whatever the killer-off cell did this time (test_smoke_vm.cpp judges that), the report says so.
  const std::string outcome = smoke_run().cells.at("exceeds-killer-off").at("outcome");
  EXPECT_NE(md.out.find("| exceeds-killer-off | non-root | 40 × 8M | 8.33% | 6.1."), std::string::npos);
  EXPECT_NE(md.out.find(fmt::format("| {}", outcome)), std::string::npos) << md.out;

  const Result html = kmatrix("report --format html " + dir());
  EXPECT_NE(html.out.find(fmt::format("<td class=\"o-{}\">", outcome)), std::string::npos);
  EXPECT_NE(html.out.find("invoked oom-killer"), std::string::npos) << "the console excerpt of the OOM cell";
  EXPECT_NE(html.out.find("<svg class=\"chart\""), std::string::npos) << "the agent's counters";

  const Result csv = kmatrix("report --format csv " + dir());
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 4);

  const fs::path xml = smoke_run().dir.string() + "-junit.xml";
  EXPECT_EQ(kmatrix("report --format junit -o '" + xml.string() + "' " + dir()).exit_code, 0);
  EXPECT_EQ(std::system(fmt::format("xmllint --noout --schema '{}/tests/data/junit/junit.xsd' '{}'", KMATRIX_SOURCE_DIR,
                                    xml.string())
                            .c_str()),
            0);

  const json kcidb = json::parse(kmatrix("report --format json " + dir()).out);
  EXPECT_EQ(kcidb.at("tests").size(), 3u);

  // The same run from the history, by the run ID that starts each CSV row.
  const std::string run_id = csv.out.substr(csv.out.find('\n') + 1, 12);
  EXPECT_EQ(kmatrix("report --format csv " + run_id).out, csv.out);
}

TEST(SmokeResults, ComparedWithItselfNothingChanged) {
  const Result r = kmatrix("compare " + dir() + " " + dir());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("**0 regression(s)**"), std::string::npos) << r.out;
}

TEST(SmokeResults, ADoctoredHangIsARegression) {
  const fs::path doctored = smoke_run().dir.string() + "-doctored";
  fs::remove_all(doctored);
  fs::create_directories(doctored);
  fs::copy_file(smoke_run().dir / "run.json", doctored / "run.json");
  std::ofstream out(doctored / "cells.jsonl");
  for (const auto& [name, record] : smoke_run().cells) {
    json r = record;
    if (name == "fits") r["outcome"] = "container-hang";
    out << r.dump() << "\n";
  }
  out.close();
  const Result r = kmatrix("compare " + dir() + " '" + doctored.string() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("| regression | fits | completed 1 | container-hang 1 | completed → container-hang |"),
            std::string::npos)
      << r.out;
}

}  // namespace
