// The kmatrix subcommands. Each add_*_command registers one subcommand on the
// app and returns the function that runs it once the command line is parsed;
// that function returns the exit code or throws kmx::UsageError/HostError.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace kmx::cli {

using Command = std::function<int()>;

Command add_run_command(CLI::App& app);
Command add_merge_command(CLI::App& app);
Command add_explain_command(CLI::App& app);
Command add_image_command(CLI::App& app);
Command add_ingest_command(CLI::App& app);
Command add_history_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_gc_command(CLI::App& app);
Command add_validate_command(CLI::App& app);
Command add_predict_command(CLI::App& app);

}  // namespace kmx::cli
