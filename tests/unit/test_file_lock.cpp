#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "util/file_lock.h"

namespace kmx::util {
namespace {

namespace fs = std::filesystem;

// Each FileLock opens the file anew, so locks of one process exclude each other as two processes' would.
TEST(FileLock, SharedHoldersKeepTheExclusiveOneOut) {
  const fs::path file = fs::temp_directory_path() / fmt::format("kmx-file-lock-{}.lock", ::getpid());
  fs::remove(file);
  {
    std::optional<FileLock> first(std::in_place, file, FileLock::Mode::shared);
    const FileLock second(file, FileLock::Mode::shared);  // does not wait for the first
    EXPECT_EQ(FileLock::try_exclusive(file), nullptr);
    first.reset();
    EXPECT_EQ(FileLock::try_exclusive(file), nullptr) << "the second still holds it";
  }
  const std::unique_ptr<FileLock> exclusive = FileLock::try_exclusive(file);
  ASSERT_NE(exclusive, nullptr);
  EXPECT_EQ(FileLock::try_exclusive(file), nullptr);
  fs::remove(file);
}

}  // namespace
}  // namespace kmx::util
