// kmatrix: boots kernels in VMs, runs the memory-cgroup OOM workload of each
// matrix cell, and records one verdict per cell.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "runner/run.h"
#include "util/error.h"

namespace {

constexpr const char* kExamples = R"(
Examples:
  kmatrix run matrix/smoke.toml --out results/smoke
      Boots Debian's 6.1 kernel under QEMU for each cell of the smoke matrix and
      writes results/smoke/cells.jsonl (one verdict per cell) and run.json.
  kmatrix run matrix/smoke.toml --kernel /boot/vmlinuz-6.1.0-26-amd64 --modules /lib/modules/6.1.0-26-amd64
      The same cells on a kernel you bring.

Outcomes: completed, oom-killed, container-hang, guest-hang, panic, boot-failure, infra-error.
Exit codes: 0 run finished, 2 bad input (the message names file:line), 3 host problem,
            130/143 interrupted (what was decided is kept).)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kmatrix: kernel regression matrix for memory-cgroup OOM behaviour"};
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("kmatrix ") + KMATRIX_VERSION);
  app.require_subcommand(1);

  kmx::runner::RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run every cell of a matrix file and record the verdicts");
  run_cmd->add_option("matrix", run.matrix_file, "Matrix file (TOML), e.g. matrix/smoke.toml")->required();
  run_cmd->add_option("--out", run.out_dir, "Output directory (default: results/<UTC time>); must not hold a run already");
  run_cmd->add_option("--kernel", run.kernel_override, "Kernel for every cell: a catalog name (debian:bookworm) or a bzImage path");
  run_cmd->add_option("--modules", run.modules_dir, "With --kernel PATH: the kernel's /lib/modules/<release> directory");
  run_cmd->add_option("--accel", run.accel, "auto (KVM if a probe shows it works, else TCG), kvm or tcg")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  run_cmd->add_option("--cache", run.cache_dir, "Kernel and initramfs cache (default: $XDG_CACHE_HOME/kmatrix)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kmx::kExitUsage;
  }

  try {
    return kmx::runner::run_matrix(run);
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
