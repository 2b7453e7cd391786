// BASE vs CANDIDATE, cell by cell: did the candidate kernel (or run) get
// worse? Cells are matched by their parameters without the kernel, so two
// runs and two kernels of one run compare the same way. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compare/distribution.h"
#include "results/run_results.h"

namespace kmx::compare {

enum class Change {
  regression,    // worse, and not explained by flakiness
  improvement,   // better, likewise
  unchanged,
  flaky,         // mixed outcomes on a side, failure rate not significantly changed
  inconclusive,  // a side has only infra-errors
  added,         // only in the candidate
  removed,       // only in the base
};
std::string_view to_string(Change change);

enum class TimeChange { none, slower, faster };

struct CompareOptions {
  double time_ratio = 0.25;        // a time change must exceed this share of the base time...
  int64_t time_floor_ms = 1000;    // ...and this many milliseconds...
  double time_noise_sigmas = 3.0;  // ...and this many pooled standard deviations (with repeats)
  double alpha = 0.05;             // significance of a flaky cell's rate change, over all flaky cells
};

struct CellComparison {
  std::string name;  // the base's name (the candidate's for added cells)
  std::string base_id, candidate_id;
  Distribution base, candidate;
  Change change = Change::unchanged;
  std::string reason;  // "completed → container-hang"
  TimeChange time = TimeChange::none;
  std::optional<double> base_ms, candidate_ms;  // mean headline times
  // The records behind each side, pointers into compare_runs' inputs (which
  // must outlive the comparison); empty for the side an added/removed cell lacks.
  std::vector<const results::CellResult*> base_records, candidate_records;
};

struct Comparison {
  std::vector<CellComparison> cells;  // in the base's order, then added cells
  int count(Change change) const;
  int count(TimeChange time) const;
  // Cells found on both sides. None, with cells on both: nothing was compared,
  // which must never read as "no regression".
  int paired() const { return static_cast<int>(cells.size()) - count(Change::added) - count(Change::removed); }
  bool has_regression() const { return count(Change::regression) > 0; }
};

// Each side: every record to weigh (repeats included). `base_history` adds
// earlier verdicts of base cells (by cell_id) to the base's distribution, so
// a cell known to be flaky is judged as such. When both sides run their
// experiments on several kernels, each kernel is compared with itself; a
// side with several kernels against one with one is ambiguous: UsageError
// naming that side.
Comparison compare_runs(const std::vector<results::CellResult>& base,
                        const std::vector<results::CellResult>& candidate, const CompareOptions& options = {},
                        const std::map<std::string, Distribution>& base_history = {});

// Why no cell of one side paired with a cell of the other, for a comparison
// with paired() == 0: the first parameter besides the kernel in which the
// sides' first cells differ, e.g. "their cells differ besides the kernel, in
// guest.cmdline: \"vdso=0\" in BASE, \"\" in CANDIDATE".
std::string unpaired_cause(const std::vector<results::CellResult>& base,
                           const std::vector<results::CellResult>& candidate);

// The records of one kernel (spec or release equal to `kernel`); UsageError when none.
std::vector<results::CellResult> on_kernel(const std::vector<results::CellResult>& cells, const std::string& kernel);

}  // namespace kmx::compare
