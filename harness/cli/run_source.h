// Where a subcommand finds a run: a run directory, or a run ID (or prefix)
// in the history database. Shared by report and compare.
#pragma once

#include <filesystem>
#include <string>

#include "results/run_results.h"

namespace kmx::cli {

// A path (holding a slash, or existing) is read as a run directory; anything
// else is looked up as a run ID in the history at `db` (default_db_path()
// when empty).
results::RunResults load_run(const std::string& dir_or_id, const std::filesystem::path& db);

// The --db option's path, or the default one.
std::filesystem::path db_path(const std::filesystem::path& option);

// Writes to `path`, or to stdout when it is empty or "-".
void write_output(const std::filesystem::path& path, const std::string& text);

}  // namespace kmx::cli
