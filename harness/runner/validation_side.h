// One kernel's side of `kmatrix validate`: the matrix's cells on that kernel,
// planned before any VM starts (the kernel resolved, the cells its config
// cannot run set apart, verdicts reused from the history), then run into its
// own run directory.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "compare/validation.h"
#include "image/kernel.h"
#include "matrix/matrix_file.h"
#include "results/run_results.h"
#include "runner/run.h"

namespace kmx::runner {

struct SideOptions {
  std::string role;  // "OLD" or "NEW", for messages
  std::string spec;  // anything --kernel takes
  std::filesystem::path modules_dir;
  std::filesystem::path dir;       // the side's run directory
  std::filesystem::path history;   // with reuse: the database to reuse verdicts from
  bool reuse = false;
};

struct Side {
  SideOptions options;
  image::Kernel kernel;
  std::vector<compare::NotRunnable> not_runnable;
  std::vector<results::CellResult> reused;  // verdicts from the history, not run again
  std::vector<std::string> reused_from;     // the history run of each
  std::set<std::string> skip;               // matrix cell IDs not to run: not runnable or reused
  int to_run = 0;                           // runs left for the VMs
  std::vector<results::CellResult> cells;   // after run_side: reused + run
  std::string label() const;                // "debian:bullseye (5.10.0-46-amd64)"
  // Where the evidence of one of `cells` is: under the side's directory
  // (relative to `base`), or the history run a reused verdict came from.
  std::string evidence_of(const results::CellResult& c, const std::filesystem::path& base) const;
};

// Resolves the kernel (fetching a catalog kernel not cached yet) and decides
// what will run; starts nothing. `run` holds the options shared by both sides.
Side plan_side(const matrix::Matrix& m, const SideOptions& options, const RunOptions& run);

// Runs what plan_side left to run; returns run_matrix's exit code (0, or
// 128+signal when interrupted) and fills side.cells.
int run_side(Side& side, const RunOptions& run);

}  // namespace kmx::runner
