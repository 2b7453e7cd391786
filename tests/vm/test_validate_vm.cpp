// `kmatrix validate` on real Debian kernels: two cells on 5.10 and 6.1 are
// safe; asked again with --reuse, nothing boots; and 6.12 (no cgroup v1 memory
// controller) cannot run the v1 cells: inconclusive, saying why.
#include <gtest/gtest.h>

#include <filesystem>

#include <fmt/format.h>

#include "matrix_run.h"

namespace {

namespace fs = std::filesystem;
using namespace kmx::vmtest;

class ValidateVm : public testing::Test {
 protected:
  // One history for the suite, so that later tests can reuse earlier verdicts.
  static fs::path data_home() { return run_dir("validate-data"); }
  static void SetUpTestSuite() { fs::remove_all(data_home()); }

  // `kmatrix validate` on the two-cell matrix into a fresh DIR; stdout and stderr in DIR.log.
  static int validate(const std::string& from, const std::string& to, const fs::path& out,
                      const std::string& extra = "") {
    fs::remove_all(out);
    return kmatrix_status(fmt::format("validate --from {} --to {} --matrix '{}' --out '{}' {} >'{}.log'", from, to,
                                      KMATRIX_SOURCE_DIR "/tests/ci/two-cells.toml", out.string(), extra,
                                      out.string()),
                          fmt::format("XDG_DATA_HOME='{}'", data_home().string()));
  }
};

TEST_F(ValidateVm, TwoDebianKernelsAreSafeThenReusedWithoutABoot) {
  const fs::path out = run_dir("validate-safe");
  ASSERT_EQ(validate("debian:bullseye", "debian:bookworm", out), 0) << read_file(out.string() + ".log");
  const std::string md = read_file(out / "validate.md");
  EXPECT_NE(md.find("**safe: no cell is worse on debian:bookworm"), std::string::npos) << md;
  EXPECT_EQ(read_run(out / "old", 0).cells.size(), 2u);
  EXPECT_EQ(read_run(out / "new", 0).cells.size(), 2u);
  EXPECT_NE(read_file(out / "validate.html").find("class=\"safety safe\""), std::string::npos);

  const fs::path again = run_dir("validate-reused");
  ASSERT_EQ(validate("debian:bullseye", "debian:bookworm", again, "--reuse"), 0) << read_file(again.string() + ".log");
  const std::string log = read_file(again.string() + ".log");
  EXPECT_NE(log.find("OLD is 5.10"), std::string::npos) << log;
  EXPECT_NE(log.find("0 run(s) to do, 2 verdict(s) reused"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(again / "old")) << "a reused side ran anyway";
  EXPECT_FALSE(fs::exists(again / "new")) << "a reused side ran anyway";
  EXPECT_EQ(read_file(again / "validate.md").find("| same |") != std::string::npos, true);
}

TEST_F(ValidateVm, AKernelThatCannotRunTheCellsIsInconclusiveNotSafe) {
  const fs::path out = run_dir("validate-trixie");
  // OLD's verdicts come from the first test's history when it ran; NEW boots nothing.
  ASSERT_EQ(validate("debian:bookworm", "debian:trixie", out, "--reuse"), 4) << read_file(out.string() + ".log");
  EXPECT_FALSE(fs::exists(out / "new")) << "NEW ran cells it cannot run";
  const std::string md = read_file(out / "validate.md");
  EXPECT_NE(md.find("**inconclusive: no cell is worse on debian:trixie"), std::string::npos) << md;
  EXPECT_NE(md.find("but 2 cell(s) are not settled"), std::string::npos) << md;
  EXPECT_NE(md.find("NEW cannot run it: "), std::string::npos) << md;
}

}  // namespace
