// `kmatrix validate`, the real binary, on bad input: one line, exit 2, and
// nothing started (no output directory, no VM).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../unit/test_image_helpers.h"
#include "util/subprocess.h"

namespace {

namespace fs = std::filesystem;
using kmx::image::testing::ScratchDir;

struct Refusal {
  kmx::util::CommandResult ran;
  fs::path out;
};

Refusal validate(const ScratchDir& dir, std::vector<std::string> args) {
  const fs::path out = dir / "out";
  args.insert(args.begin(), {"validate", "--out", out.string(), "--cache", (dir / "cache").string(), "--accel", "tcg"});
  return {kmx::util::run_command(KMATRIX_BINARY, args), out};
}

void expect_refused(const Refusal& r, const std::string& said) {
  EXPECT_EQ(r.ran.exit_code, 2) << r.ran.err;
  EXPECT_NE(r.ran.err.find(said), std::string::npos) << r.ran.err;
  EXPECT_EQ(r.ran.out, "");
  EXPECT_FALSE(fs::exists(r.out)) << "validate started something";
}

TEST(ValidateRefuses, TheSameKernelTwiceEvenUnderTwoNames) {
  const ScratchDir dir("validate-same");
  const std::string image = kmx::image::testing::fake_bzimage("6.1.0-99-amd64 (x@y) #1 SMP");
  kmx::image::testing::write_file(dir / "a/bzImage", image);
  kmx::image::testing::write_file(dir / "b/vmlinuz", image);
  expect_refused(validate(dir, {"--from", (dir / "a/bzImage").string(), "--to", (dir / "b/vmlinuz").string()}),
                 "are the same kernel (6.1.0-99-amd64");
}

TEST(ValidateRefuses, AKernelThatCannotBeFound) {
  const ScratchDir dir("validate-missing");
  kmx::image::testing::write_file(dir / "a/bzImage", kmx::image::testing::fake_bzimage("6.1.0-99-amd64 #1"));
  expect_refused(validate(dir, {"--from", (dir / "a/bzImage").string(), "--to", "debian:no-such-suite"}),
                 "debian:no-such-suite");
  expect_refused(validate(dir, {"--from", (dir / "nothing/bzImage").string(), "--to", (dir / "a/bzImage").string()}),
                 "nothing/bzImage");
}

TEST(ValidateRefuses, AMatrixWithoutCells) {
  const ScratchDir dir("validate-nocells");
  kmx::image::testing::write_file(dir / "a/bzImage", kmx::image::testing::fake_bzimage("6.1.0-99-amd64 #1"));
  kmx::image::testing::write_file(dir / "b/bzImage", kmx::image::testing::fake_bzimage("6.1.0-98-amd64 #1"));
  expect_refused(validate(dir, {"--from", (dir / "a/bzImage").string(), "--to", (dir / "b/bzImage").string(),
                                "--matrix", KMATRIX_TEST_DATA "/matrix/bad/no_cells.toml"}),
                 "no_cells.toml");
}

}  // namespace
