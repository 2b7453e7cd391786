// `kmatrix image snapshots`, the real binary on a cache of made-up snapshots:
// the listing, and --prune deleting only those no cell restored from lately
// (a directory's mtime is its last restore), never a staging directory.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "../unit/results_fixtures.h"
#include "util/subprocess.h"

namespace fs = std::filesystem;

namespace {

// A snapshot directory as SnapshotCache leaves one, last restored from `days` ago.
void make_snapshot(const fs::path& cache, const std::string& key, int days) {
  const fs::path dir = cache / "snapshots" / key;
  fs::create_directories(dir);
  std::ofstream(dir / "key.json") << R"({"key": ")" << key
                                  << R"(", "kernel": "vmlinuz-6.1.0-57-amd64", "parts": {"memory": 536870912, "cpus": 2, "kernel_sha256": "f080f76ab2012d27"}})";
  std::ofstream(dir / "memory") << std::string(8192, 'x');
  fs::last_write_time(dir, fs::file_time_type::clock::now() - std::chrono::hours(24 * days));
}

kmx::util::CommandResult snapshots(const fs::path& cache, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"image", "--cache", cache.string(), "snapshots"};
  args.insert(args.end(), extra.begin(), extra.end());
  return kmx::util::run_command(KMATRIX_BINARY, args);
}

TEST(ImageSnapshots, ListsAndPrunesTheOnesNotRestoredFromLately) {
  const fs::path cache = kmx::fixtures::fresh_dir("image-snapshots");
  make_snapshot(cache, "00000000000000aa", 30);
  make_snapshot(cache, "00000000000000bb", 1);
  fs::create_directories(cache / "snapshots" / "00000000000000cc.staging-1");  // being made: no key.json yet

  const auto listed = snapshots(cache);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("00000000000000aa  vmlinuz-6.1.0-57-amd64"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("30d ago"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("24h ago"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("2 snapshot(s)"), std::string::npos) << listed.out;

  const auto dry = snapshots(cache, {"--prune", "14", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("00000000000000aa would be deleted"), std::string::npos) << dry.out;
  EXPECT_TRUE(fs::exists(cache / "snapshots" / "00000000000000aa"));

  const auto pruned = snapshots(cache, {"--prune", "14"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("1 snapshot(s) pruned"), std::string::npos) << pruned.out;
  EXPECT_FALSE(fs::exists(cache / "snapshots" / "00000000000000aa"));
  EXPECT_TRUE(fs::exists(cache / "snapshots" / "00000000000000bb"));
  EXPECT_TRUE(fs::exists(cache / "snapshots" / "00000000000000cc.staging-1"));
}

TEST(ImageSnapshots, ANegativeAgeIsAUsageError) {
  EXPECT_EQ(snapshots(kmx::fixtures::fresh_dir("image-snapshots-bad"), {"--prune", "-3"}).exit_code, 2);
}

}  // namespace
