// Runs a whole matrix: validates it and its kernels before any VM starts,
// then runs the cells (several at once with --jobs), appending each verdict
// to DIR/cells.jsonl as it is decided. A resumed run skips what is recorded.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "matrix/cell.h"

namespace kmx::runner {

struct RunOptions {
  std::filesystem::path matrix_file;
  std::filesystem::path out_dir;      // empty: results/<UTC timestamp>
  std::filesystem::path resume_dir;   // --resume: continue the run in this directory
  std::string kernel_override;        // --kernel: replaces every cell's kernel
  std::filesystem::path modules_dir;  // --modules: with --kernel PATH
  std::string accel = "auto";         // --accel
  std::string boot;                   // --boot snapshot|cold; empty: each cell's run.boot
  std::string backend;                // --backend qemu|libvirt; empty: the matrix's run.backend
  std::vector<std::string> connect;   // --connect URI... for libvirt; none: qemu:///system
  std::filesystem::path cache_dir;    // empty: image::default_cache_dir()
  int jobs = 0;                       // --jobs; 0: what cores and memory allow
  int repeat = 0;                     // --repeat: runs of each cell; 0: the matrix's run.repeat
  std::string shard;                  // --shard I/N; empty: all cells
  std::string filter;                 // --filter EXPR; empty: all cells
  bool dry_run = false;               // --dry-run: print the runs, start nothing
  bool list_axes = false;             // --list-axes: print the parameters that vary, start nothing
};

// results/<PREFIX><UTC time>: where a run (or a validation) goes without --out.
std::filesystem::path default_out_dir(std::string_view prefix = "");

// The cell as --kernel SPEC [--modules DIR] runs it; its ID then names that kernel.
void override_kernel(matrix::Cell& cell, const std::string& spec, const std::filesystem::path& modules_dir);

// Returns the process exit code: 0 finished, 130/143 interrupted.
// Throws UsageError (exit 2) or HostError (exit 3).
int run_matrix(const RunOptions& options);

}  // namespace kmx::runner
