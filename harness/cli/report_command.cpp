// `kmatrix report DIR|RUN-ID`: one run as Markdown, HTML, CSV, JUnit XML or KCIDB JSON.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/run_source.h"
#include "report/csv.h"
#include "report/html.h"
#include "report/junit.h"
#include "report/kcidb.h"
#include "report/markdown.h"

namespace kmx::cli {

namespace {

struct ReportOptions {
  std::string run;
  std::string format = "md";
  std::string pivot;
  std::filesystem::path output;
  std::filesystem::path db;
};

}  // namespace

Command add_report_command(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand("report", "Write a run's results as md, html, csv, junit or json (KCIDB)");
  cmd->add_option("run,--run", options->run, "Run directory, or run ID (prefix) in the history database")->required();
  cmd->add_option("--format,-f", options->format,
                  "md (tables for a GitHub comment), html (one self-contained page with a heatmap and evidence), "
                  "csv, junit (XML for CI), json (KCIDB v4.3)")
      ->check(CLI::IsMember({"md", "html", "csv", "junit", "json"}))
      ->capture_default_str();
  cmd->add_option("--pivot", options->pivot,
                  "ROWS:COLS of the pivot table / heatmap, each one of cell, kernel, workload, run-as, procs-size, "
                  "share, container, outcome or a parameter path such as workload.procs (default: workload:kernel "
                  "for md, cell:kernel for html)");
  cmd->add_option("--output,-o", options->output, "Write here instead of stdout (replaced atomically)");
  cmd->add_option("--db", options->db, "History database for a run ID (default: $XDG_DATA_HOME/kmatrix/history.sqlite)");
  return [options] {
    const results::RunResults run = load_run(options->run, options->db);
    const std::string& f = options->format;
    const report::EvidenceSource evidence = report::evidence_from(run.dir);
    const std::string default_pivot = f == "html" ? "cell:kernel" : "workload:kernel";
    const report::PivotSpec pivot = report::parse_pivot(options->pivot.empty() ? default_pivot : options->pivot);
    std::string text;
    if (f == "md") text = report::markdown_report(run, pivot);
    else if (f == "html") text = report::html_report(run, pivot, evidence);
    else if (f == "csv") text = report::csv_report(run);
    else if (f == "junit") text = report::junit_report(run, evidence);
    else text = report::kcidb_report(run, evidence);
    write_output(options->output, text);
    return 0;
  };
}

}  // namespace kmx::cli
