// Runs a whole matrix: validates it and its kernels before any VM starts,
// then runs the cells one by one, appending each verdict to DIR/cells.jsonl.
#pragma once

#include <filesystem>
#include <string>

namespace kmx::runner {

struct RunOptions {
  std::filesystem::path matrix_file;
  std::filesystem::path out_dir;      // empty: results/<UTC timestamp>
  std::string kernel_override;        // --kernel: replaces every cell's kernel
  std::filesystem::path modules_dir;  // --modules: with --kernel PATH
  std::string accel = "auto";         // --accel
  std::filesystem::path cache_dir;    // empty: image::default_cache_dir()
};

// Returns the process exit code: 0 finished, 130/143 interrupted.
// Throws UsageError (exit 2) or HostError (exit 3).
int run_matrix(const RunOptions& options);

}  // namespace kmx::runner
