// `kmatrix validate --from OLD --to NEW`: is the new kernel safe where the old
// one ran? Both kernels over one matrix, then one verdict: exit 0 safe,
// 1 unsafe, 4 inconclusive.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/run_source.h"
#include "compare/validation.h"
#include "report/validation_report.h"
#include "runner/validation_side.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace kmx::cli {

namespace fs = std::filesystem;

namespace {

runner::SideOptions side(const char* role) {
  runner::SideOptions o;
  o.role = role;
  return o;
}

struct ValidateOptions {
  runner::SideOptions from = side("OLD"), to = side("NEW");
  runner::RunOptions run;
  double alpha = 0.05;
  bool reuse = false;
  fs::path db;
};

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto o = std::make_shared<ValidateOptions>();
  o->run.matrix_file = KMATRIX_SEED_MATRIX;
  CLI::App* cmd = app.add_subcommand(
      "validate", "Before an upgrade: run a matrix on OLD and NEW kernels and say whether NEW is safe where OLD ran");
  cmd->add_option("--from", o->from.spec, "OLD kernel: a catalog name, a cache SHA-256 or a bzImage path")->required();
  cmd->add_option("--to", o->to.spec, "NEW kernel, likewise")->required();
  cmd->add_option("--from-modules", o->from.modules_dir, "With --from PATH: its /lib/modules/<release> directory");
  cmd->add_option("--to-modules", o->to.modules_dir, "With --to PATH: its /lib/modules/<release> directory");
  cmd->add_option("--matrix", o->run.matrix_file, "Matrix file (its kernels are replaced by OLD and NEW)")
      ->capture_default_str();
  cmd->add_option("--repeat", o->run.repeat, "Runs of each cell per kernel (default: the matrix's run.repeat)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--out", o->run.out_dir,
                  "Output directory: old/ and new/ runs, validate.md, validate.html (default: results/validate-<UTC time>)");
  cmd->add_option("--jobs,-j", o->run.jobs, "VMs at once (default: what cores and memory allow)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--accel", o->run.accel, "auto, kvm or tcg")->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  cmd->add_option("--cache", o->run.cache_dir, "Kernel and initramfs cache (default: $XDG_CACHE_HOME/kmatrix)");
  cmd->add_flag("--reuse", o->reuse,
                "Take verdicts already in the history for the same cell on the same kernel (by bzImage SHA-256) "
                "instead of running them again");
  cmd->add_option("--db", o->db, "History database for --reuse (default: $XDG_DATA_HOME/kmatrix/history.sqlite)");
  cmd->add_option("--alpha", o->alpha, "Significance for cells with mixed outcomes")
      ->check(CLI::Range(1e-9, 0.5))
      ->capture_default_str();
  cmd->footer(
      "safe: no cell is worse on NEW (outcomes rank as in kmatrix compare) and every cell ran and settled;\n"
      "unsafe: cells worse on NEW, each with both outcomes and its evidence; inconclusive: a mixed cell\n"
      "whose difference is not significant at these repeats, an infra-error, or a cell a kernel cannot run,\n"
      "each with what would settle it. Cells that got better (the hang fixed) are listed too.\n"
      "Exit codes: 0 safe, 1 unsafe, 2 bad input, 3 host problem, 4 inconclusive.");
  return [o] {
    const fs::path out = o->run.out_dir.empty() ? runner::default_out_dir("validate-") : o->run.out_dir;
    for (runner::SideOptions* side : {&o->from, &o->to}) {
      side->dir = out / (side == &o->from ? "old" : "new");
      side->reuse = o->reuse;
      side->history = db_path(o->db);
      if (fs::exists(side->dir)) throw UsageError(fmt::format("--out {}: {} exists already", out.string(), side->dir.string()));
    }
    // Everything is checked before the first VM starts.
    const matrix::Matrix m = matrix::load_matrix(o->run.matrix_file);
    for (const std::string& warning : m.warnings) fmt::print(stderr, "{}\n", warning);
    runner::Side old_side = runner::plan_side(m, o->from, o->run);
    runner::Side new_side = runner::plan_side(m, o->to, o->run);
    if (old_side.kernel.sha256 == new_side.kernel.sha256)
      throw UsageError(fmt::format("validate: --from {} and --to {} are the same kernel ({}, sha256 {:.12}): give two "
                                   "different kernels",
                                   o->from.spec, o->to.spec, old_side.kernel.release, old_side.kernel.sha256));
    fs::create_directories(out);
    for (runner::Side* side : {&old_side, &new_side})
      if (const int rc = runner::run_side(*side, o->run); rc != kExitOk) return rc;

    const compare::Comparison cmp = compare::compare_runs(old_side.cells, new_side.cells, {.alpha = o->alpha});
    std::vector<compare::NotRunnable> not_runnable = old_side.not_runnable;
    not_runnable.insert(not_runnable.end(), new_side.not_runnable.begin(), new_side.not_runnable.end());
    const compare::Validation v = compare::validate(cmp, std::move(not_runnable), o->alpha);
    const report::ValidationLabels labels{
        .old_kernel = old_side.label(),
        .new_kernel = new_side.label(),
        .evidence = [&](const results::CellResult& c) {
          const bool old = !old_side.cells.empty() && &c >= &old_side.cells.front() && &c <= &old_side.cells.back();
          return (old ? old_side : new_side).evidence_of(c, out);
        }};
    const std::string markdown = report::validation_markdown(cmp, v, labels);
    util::write_file_atomically(out / "validate.md", markdown);
    util::write_file_atomically(out / "validate.html", report::validation_html(cmp, v, labels));
    fmt::print("{}", markdown);
    fmt::print(stderr, "kmatrix: validate: {}; {} and {}\n", to_string(v.safety), (out / "validate.md").string(),
               (out / "validate.html").string());
    return v.exit_code();
  };
}

}  // namespace kmx::cli
