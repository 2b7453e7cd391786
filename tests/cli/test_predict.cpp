// `kmatrix predict`, the real binary: the seed matrix on CentOS 6.5 (its
// release is in the catalog, so nothing is fetched), a kernel whose release
// is unknown without a fetch gets no model, and --check measures a run.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "../unit/results_fixtures.h"
#include "util/subprocess.h"

namespace fs = std::filesystem;

namespace {

const fs::path kSeed = fs::path(KMATRIX_TEST_DATA) / "../../matrix/seed.toml";

kmx::util::CommandResult predict(std::vector<std::string> args) {
  static const fs::path cache = kmx::fixtures::fresh_dir("predict-cache");  // empty: nothing cached
  args.insert(args.begin(), "predict");
  args.push_back("--cache");
  args.push_back(cache.string());
  return kmx::util::run_command(KMATRIX_BINARY, args);
}

TEST(PredictCommand, SeedMatrixOnCentos65) {
  const kmx::util::CommandResult ran = predict({kSeed.string(), "--kernel", "centos:6.5", "--json"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  const nlohmann::json j = nlohmann::json::parse(ran.out);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["release"], "2.6.32-431.el6.x86_64");
  EXPECT_EQ(j[0]["prediction"]["family"], "1000-scale");
  EXPECT_EQ(j[0]["prediction"]["class"], "wrong-victim");
  EXPECT_EQ(j[1]["prediction"]["class"], "workload-killed");
  EXPECT_EQ(j[2]["prediction"]["class"], "wrong-victim");
  EXPECT_EQ(j[2]["prediction"]["chosen"], "init");
}

TEST(PredictCommand, UnfetchedDebianKernelHasNoModel) {
  const kmx::util::CommandResult ran = predict({kSeed.string(), "--kernel", "debian:trixie"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("nonroot-1280x256K on debian:trixie (release unknown until fetched, unknown): unknown"),
            std::string::npos)
      << ran.out;
  EXPECT_NE(ran.out.find("why: unknown: no model"), std::string::npos) << ran.out;
}

TEST(PredictCommand, BadKernelIsUsageError) {
  EXPECT_EQ(predict({kSeed.string(), "--kernel", "debian:nosuch"}).exit_code, 2);
  EXPECT_EQ(predict({kSeed.string(), "--kernel", "/nonexistent/bzImage"}).exit_code, 2);
  EXPECT_EQ(predict({"--check", "--kernel", "centos:6.5", "/nonexistent/run"}).exit_code, 2);
}

TEST(PredictCommand, CheckMeasuresARun) {
  const fs::path dir = kmx::fixtures::fresh_dir("predict-check") / "run";
  // 96M, no swap: 40 x 8M overflows, 8 x 4M fits; the second kernel killed a helper.
  kmx::fixtures::write_run_dir(dir, kmx::fixtures::run({{.name = "exceeds", .procs = 40, .size = 8 << 20,
                                                          .victims = {"wlchild", "wlchild"}},
                                                         {.name = "fits", .procs = 8},
                                                         {.name = "odd", .procs = 41, .size = 8 << 20,
                                                          .victims = {"helper"}}}));
  const kmx::util::CommandResult ran = predict({"--check", dir.string()});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("page-scale      3        2 (67%)            2 (67%)"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("odd (6.1.0-56-amd64): predicted workload-killed, observed wrong-victim: the kernel: 1 "
                         "kill(s), 0 of them children, the helper first; the model: a child first"),
            std::string::npos)
      << ran.out;
}

}  // namespace
