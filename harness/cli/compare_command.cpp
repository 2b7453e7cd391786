// `kmatrix compare BASE CANDIDATE`: did the candidate get worse? Exit 1 on a
// regression, so CI can gate on it.
#include <fmt/format.h>

#include <memory>
#include <set>

#include "cli/commands.h"
#include "cli/run_source.h"
#include "compare/comparison.h"
#include "history/history_db.h"
#include "report/comparison_markdown.h"
#include "util/error.h"

namespace kmx::cli {

namespace {

struct CompareCliOptions {
  std::string base, candidate;
  std::string base_kernel, candidate_kernel;
  bool history = false;
  bool all = false;
  compare::CompareOptions compare;
  std::filesystem::path output;
  std::filesystem::path db;
};

std::vector<results::CellResult> side(const results::RunResults& run, const std::string& kernel) {
  return kernel.empty() ? run.cells : compare::on_kernel(run.cells, kernel);
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare two runs (or two kernels of one run) cell by cell; exit 1 when the candidate regressed");
  cmd->add_option("base", o->base, "Base run: directory or run ID")->required();
  cmd->add_option("candidate", o->candidate, "Candidate run: directory or run ID (default: BASE, with --*-kernel)");
  cmd->add_option("--base-kernel", o->base_kernel, "Only BASE's cells on this kernel (spec or release)");
  cmd->add_option("--candidate-kernel", o->candidate_kernel, "Only CANDIDATE's cells on this kernel");
  cmd->add_flag("--history", o->history,
                "Weigh the base cells' earlier verdicts from the history database, so known-flaky cells are "
                "judged by their rates");
  cmd->add_flag("--all", o->all, "List unchanged cells too");
  cmd->add_option("--time-ratio", o->compare.time_ratio,
                  "A workload time change must exceed this share of the base time to count")
      ->capture_default_str();
  cmd->add_option("--time-floor-ms", o->compare.time_floor_ms, "...and this many milliseconds")->capture_default_str();
  cmd->add_option("--alpha", o->compare.alpha,
                  "Significance for a flaky cell's change of failure rate, shared by all flaky cells")
      ->check(CLI::Range(1e-9, 0.5))
      ->capture_default_str();
  cmd->add_option("--output,-o", o->output, "Write the Markdown here instead of stdout");
  cmd->add_option("--db", o->db, "History database (default: $XDG_DATA_HOME/kmatrix/history.sqlite)");
  cmd->footer(
      "Outcomes rank completed < oom-killed < oom-killed/wrong-victim < container-hang < guest-hang < panic < "
      "boot-failure;\na worse rank is a regression. Cells with mixed outcomes (repeats, --history) count only a "
      "significant\nchange of their failure rate (Fisher's exact test, Bonferroni over the flaky cells).\n"
      "Exit codes: 0 no regression, 1 regression, 2 bad input, 3 host problem, 4 inconclusive (no cell of\n"
      "CANDIDATE is the same experiment as one of BASE: nothing was compared).");
  return [o] {
    if (o->candidate.empty() && (o->base_kernel.empty() || o->candidate_kernel.empty()))
      throw UsageError("compare: give CANDIDATE, or --base-kernel and --candidate-kernel to compare within BASE");
    const results::RunResults base = load_run(o->base, o->db);
    const results::RunResults candidate = o->candidate.empty() ? base : load_run(o->candidate, o->db);
    const auto base_cells = side(base, o->base_kernel);
    const auto candidate_cells = side(candidate, o->candidate_kernel);
    std::map<std::string, compare::Distribution> history;
    if (o->history) {
      std::set<std::string> ids;
      for (const results::CellResult& c : base_cells) ids.insert(c.cell_id);
      history = history::HistoryDb(db_path(o->db)).distributions_of(ids, {base.run_id, candidate.run_id});
    }
    const compare::Comparison cmp = compare::compare_runs(base_cells, candidate_cells, o->compare, history);
    const auto label = [](const results::RunResults& run, const std::string& kernel) {
      return fmt::format("`{}`{}", run.run_id, kernel.empty() ? "" : " on " + kernel);
    };
    write_output(o->output, report::comparison_markdown(cmp, label(base, o->base_kernel),
                                                        label(candidate, o->candidate_kernel), o->all));
    if (cmp.has_regression()) return 1;
    if (cmp.paired() == 0) {
      fmt::print(stderr, "kmatrix: compare: inconclusive: no cell paired, so nothing was compared; {}\n",
                 compare::unpaired_cause(base_cells, candidate_cells));
      return kExitInconclusive;
    }
    return kExitOk;
  };
}

}  // namespace kmx::cli
