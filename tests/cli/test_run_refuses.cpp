// `kmatrix run --dry-run`, the real binary, on every file of the bad matrix
// corpus: exit 2 (bad input) and the loader's one-line message on stderr,
// so a cell the guest could not run is refused before any VM starts.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../unit/bad_matrix.h"
#include "util/subprocess.h"

namespace {

TEST(RunRefuses, EveryBadMatrixWithExitTwoAndItsMessage) {
  int files = 0;
  for (const std::filesystem::path& file : kmx::fixtures::bad_matrices()) {
    ++files;
    const kmx::util::CommandResult ran = kmx::util::run_command(KMATRIX_BINARY, {"run", file.string(), "--dry-run"});
    EXPECT_EQ(ran.exit_code, 2) << file;
    EXPECT_EQ(ran.err, "kmatrix: " + kmx::fixtures::expected_error(file) + "\n") << file;
    EXPECT_EQ(ran.out, "") << file;
  }
  EXPECT_GE(files, 70);
}

}  // namespace
