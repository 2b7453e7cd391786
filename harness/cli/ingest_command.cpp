// `kmatrix ingest DIR...`: loads runs into the history database.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/run_source.h"
#include "history/history_db.h"

namespace kmx::cli {

namespace {

struct IngestOptions {
  std::vector<std::filesystem::path> dirs;
  std::filesystem::path db;
};

}  // namespace

Command add_ingest_command(CLI::App& app) {
  auto options = std::make_shared<IngestOptions>();
  CLI::App* cmd = app.add_subcommand("ingest", "Load run directories into the history database (idempotent)");
  cmd->add_option("dirs", options->dirs, "Run directories (holding run.json and cells.jsonl)")->required();
  cmd->add_option("--db", options->db, "History database (default: $XDG_DATA_HOME/kmatrix/history.sqlite)");
  return [options] {
    history::HistoryDb db(db_path(options->db));
    for (const std::filesystem::path& dir : options->dirs) {
      const results::RunResults run = results::read_run(dir);
      const history::IngestResult r = db.ingest(run);
      fmt::print(stderr, "kmatrix: run {} ({} records): {}\n", r.run_id, run.cells.size(),
                 r.changed ? fmt::format("{} rows added or updated", r.changed) : std::string("already in the history"));
    }
    return 0;
  };
}

}  // namespace kmx::cli
