// Outcome distributions: the records of one cell (repeats, or many runs from
// the history) counted by result class, with the hang rate's Wilson interval.
// A cell with more than one class among its verdicts is flaky.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compare/stats.h"
#include "results/run_results.h"

namespace kmx::compare {

// The outcome, split where the victims matter: "oom-killed" (only workload
// children) vs "oom-killed/wrong-victim".
std::string result_class(const results::CellResult& c);

// A cell's `expect` is a result class: "oom-killed" is not met by a kill of
// the container's init, a helper or the workload parent. False without one.
bool meets_expectation(const results::CellResult& c);

// How bad a class is for the container's owner: completed 0, oom-killed 1,
// oom-killed/wrong-victim 2, container-hang 3, guest-hang 4, panic 5,
// boot-failure 6. infra-error (and anything unknown) is -1: it says nothing
// about the kernel.
int severity(std::string_view result_class);
// Severity 2 and above: the kernel got it wrong (wrong victim, hang, panic, no boot).
bool is_failure(std::string_view result_class);
bool is_hang(std::string_view result_class);

struct Distribution {
  std::map<std::string, int> counts;  // by result class, infra-error included
  int samples = 0;                    // records without infra-error
  int hangs = 0;
  int failures = 0;

  void add(const results::CellResult& c) { add(result_class(c)); }
  void add(const std::string& result_class, int count = 1);
  bool flaky() const;              // more than one class among the samples
  std::string modal() const;       // the most frequent class ("" when no sample)
  Interval hang_rate() const { return wilson(hangs, samples); }
  std::string text() const;        // "completed 8, container-hang 2"
};

// Records grouped by cell_id, in order of first appearance.
struct CellGroup {
  std::string cell_id;
  std::vector<const results::CellResult*> records;
  Distribution distribution;
};
std::vector<CellGroup> group_by_cell(const std::vector<const results::CellResult*>& cells);
std::vector<CellGroup> group_by_cell(const std::vector<results::CellResult>& cells);

// "12.5% [2.2%, 47.1%]": a rate with its interval, for flakiness columns.
std::string rate_text(int hits, int trials);

}  // namespace kmx::compare
