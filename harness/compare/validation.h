// Pre-upgrade validation: is NEW safe where OLD ran? The comparison of the
// two kernels over one matrix (compare_runs), read as one verdict: safe (no
// cell worse and every cell settled), unsafe (cells worse on NEW), or
// inconclusive, each unsettled cell with what would settle it. Pure.
#pragma once

#include <string>
#include <vector>

#include "compare/comparison.h"

namespace kmx::compare {

enum class Safety { safe, unsafe, inconclusive };
std::string_view to_string(Safety safety);

// A cell the verdict cannot rest on, and what would settle it.
struct Unsettled {
  const CellComparison* cell;
  std::string why;     // "failures 1/3 → 2/3 is not significant (Fisher p 0.5 ≥ 0.05)"
  std::string settle;  // "repeat 9 more on each kernel: if the rates hold, 12 runs tell"
};

// A cell that a kernel cannot run at all (its config lacks what the cell uses).
struct NotRunnable {
  std::string cell;    // the cell's name
  std::string kernel;  // "OLD" or "NEW"
  std::string why;     // the config check's summary
};

struct Validation {
  Safety safety = Safety::safe;
  std::vector<const CellComparison*> worse, better, same;
  std::vector<Unsettled> unsettled;
  std::vector<NotRunnable> not_runnable;
  int exit_code() const;  // 0 safe, 1 unsafe, 4 inconclusive
};

// `cmp` compares OLD (base) with NEW (candidate) and must outlive the result.
// A cell with mixed outcomes is unsettled only where NEW did worse than OLD
// (higher failure rate, or a worse class) without that being significant at
// `alpha`, Bonferroni-corrected like compare_runs; a cell with an
// infra-error, or one that a kernel could not run, is unsettled too.
Validation validate(const Comparison& cmp, std::vector<NotRunnable> not_runnable, double alpha);

// The fewest repeats per kernel at which NEW's failure rate (kc of nc) would
// differ significantly from OLD's (kb of nb) at `level`, if the observed rates
// held; 0 when no number up to 20 times today's would tell.
int repeats_to_tell(int kb, int nb, int kc, int nc, double level);

}  // namespace kmx::compare
