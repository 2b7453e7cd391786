// `kmatrix history CELL|--kernel K|--since DATE`: past verdicts, and each
// cell's outcome distribution with its hang rate.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/run_source.h"
#include "history/history_db.h"
#include "report/cell_labels.h"
#include "report/markdown.h"
#include "util/error.h"

namespace kmx::cli {

namespace {

struct HistoryOptions {
  history::HistoryFilter filter;
  std::filesystem::path db;
};

}  // namespace

Command add_history_command(CLI::App& app) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* cmd = app.add_subcommand("history", "List past verdicts of a cell, a kernel, or since a date");
  cmd->add_option("cell", options->filter.cell, "Cell name, or cell ID (a prefix will do)");
  cmd->add_option("--kernel", options->filter.kernel, "Only this kernel (spec such as debian:bookworm, or release)");
  cmd->add_option("--since", options->filter.since, "Only runs started at or after this UTC date, e.g. 2026-11-01");
  cmd->add_option("--limit", options->filter.limit, "Show at most this many (the most recent) records")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--db", options->db, "History database (default: $XDG_DATA_HOME/kmatrix/history.sqlite)");
  return [options] {
    const history::HistoryFilter& f = options->filter;
    if (f.cell.empty() && f.kernel.empty() && f.since.empty())
      throw UsageError("history: name a CELL, or give --kernel or --since");
    history::HistoryDb db(db_path(options->db));
    const auto rows = db.query(f);
    if (rows.empty()) {
      fmt::print(stderr, "kmatrix: no records match in {}\n", db_path(options->db).string());
      return 0;
    }
    report::Table verdicts{{"run started", "run", "cell", "kernel", "result", "workload time"}, {}};
    for (const history::HistoryRow& r : rows)
      verdicts.rows.push_back({r.started, r.run_id, r.cell.name, report::kernel_label(r.cell),
                               report::result_text(r.cell), report::seconds(report::headline_ms(r.cell))});
    std::string out = report::markdown_table(verdicts);

    report::Table summary{{"cell id", "records", "outcomes", "hang rate (95% Wilson)", "flaky"}, {}};
    for (const auto& [id, d] : db.distributions(f))
      summary.rows.push_back({id, std::to_string(d.samples), d.text(), compare::rate_text(d.hangs, d.samples),
                              d.flaky() ? "flaky" : ""});
    out += "\n" + report::markdown_table(summary);
    write_output("", out);
    return 0;
  };
}

}  // namespace kmx::cli
