// `kmatrix merge --out DIR RUN...`: one run from the shards of a matrix.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "results/merge.h"

namespace kmx::cli {

namespace {
struct MergeOptions {
  std::vector<std::filesystem::path> runs;
  std::filesystem::path out;
};
}  // namespace

Command add_merge_command(CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Join runs of one matrix made with --shard I/N on several machines into one run directory");
  cmd->add_option("runs", options->runs, "Run directories (each with run.json and cells.jsonl)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", options->out, "New directory for the joined run")->required();
  cmd->footer(R"(
Refuses runs of different matrices or options, and a cell recorded in two runs.
Example:
  kmatrix merge --out results/nightly results/shard1 results/shard2)");
  return [options] {
    results::merge_run_dirs(options->runs, options->out);
    fmt::print(stderr, "kmatrix: merged {} run(s) into {}\n", options->runs.size(), options->out.string());
    return 0;
  };
}

}  // namespace kmx::cli
