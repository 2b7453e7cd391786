// kmatrix: boots kernels in VMs, runs the memory-cgroup OOM workload of each
// matrix cell, and records one verdict per cell.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <map>

#include "cli/commands.h"
#include "util/error.h"

namespace {

constexpr const char* kExamples = R"(
Examples:
  kmatrix run matrix/smoke.toml --out results/smoke
      Boots Debian's 6.1 kernel under QEMU for each cell of the smoke matrix and
      writes results/smoke/cells.jsonl (one verdict per cell) and run.json.
  kmatrix run matrix/smoke.toml --kernel /boot/vmlinuz-6.1.0-26-amd64 --modules /lib/modules/6.1.0-26-amd64
      The same cells on a kernel you bring.
  kmatrix report results/smoke --format html -o smoke.html
      One page: the matrix as a heatmap, each cell's console excerpt and agent counters.
  kmatrix compare results/base results/candidate
      Cell by cell; exit 1 when the candidate regressed (docs/results.md has the rules).
  kmatrix predict matrix/seed.toml --kernel centos:6.5
      Without a VM: each task's OOM score on that kernel, whom it kills first, and why
      (docs/predict.md); --check RUN... measures the model against finished runs.

Outcomes: completed, oom-killed, container-hang, guest-hang, panic, boot-failure, infra-error.
Exit codes: 0 run finished, 2 bad input (the message names file:line), 3 host problem,
            130/143 interrupted (what was decided is kept).)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kmatrix: kernel regression matrix for memory-cgroup OOM behaviour"};
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("kmatrix ") + KMATRIX_VERSION);
  app.require_subcommand(1);

  // One line per subcommand; the parsed one runs below.
  std::map<const CLI::App*, kmx::cli::Command> commands;
  const auto add = [&](kmx::cli::Command (*add_command)(CLI::App&)) {
    kmx::cli::Command run = add_command(app);
    commands.emplace(app.get_subcommands({}).back(), std::move(run));
  };
  add(kmx::cli::add_run_command);
  add(kmx::cli::add_merge_command);
  add(kmx::cli::add_explain_command);
  add(kmx::cli::add_image_command);
  add(kmx::cli::add_ingest_command);
  add(kmx::cli::add_history_command);
  add(kmx::cli::add_report_command);
  add(kmx::cli::add_compare_command);
  add(kmx::cli::add_gc_command);
  add(kmx::cli::add_validate_command);
  add(kmx::cli::add_predict_command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kmx::kExitUsage;
  }

  try {
    return commands.at(app.get_subcommands().front())();
  } catch (const kmx::UsageError& e) {
    fmt::print(stderr, "kmatrix: {}\n", e.what());
    return kmx::kExitUsage;
  } catch (const kmx::HostError& e) {
    fmt::print(stderr, "kmatrix: host error: {}\n", e.what());
    return kmx::kExitHost;
  } catch (const std::exception& e) {
    fmt::print(stderr, "kmatrix: internal error: {}\n", e.what());
    return kmx::kExitHost;
  }
}
