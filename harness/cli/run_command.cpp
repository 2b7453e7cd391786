// `kmatrix run MATRIX`: the main job.
#include <memory>

#include "cli/commands.h"
#include "runner/run.h"
#include "util/error.h"

namespace kmx::cli {

Command add_run_command(CLI::App& app) {
  auto options = std::make_shared<runner::RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run every cell of a matrix file and record the verdicts");
  CLI::Option* matrix =
      cmd->add_option("matrix", options->matrix_file, "Matrix file (TOML), e.g. matrix/smoke.toml");
  CLI::Option* out = cmd->add_option("--out", options->out_dir,
                                     "Output directory (default: results/<UTC time>); must not hold a run already");
  CLI::Option* resume = cmd->add_option(
      "--resume", options->resume_dir,
      "Continue the interrupted run in this directory: same matrix and options, recorded cells are skipped");
  CLI::Option* kernel = cmd->add_option("--kernel", options->kernel_override,
                                        "Kernel for every cell: a catalog name (debian:trixie, centos:6.5), a cache SHA-256, or a bzImage path")
                            // Empty would silently mean "the matrix's kernels", not what was asked.
                            ->check(CLI::Validator(
                                [](const std::string& spec) {
                                  return spec.empty() ? std::string("must not be empty: a catalog name, a cache "
                                                                    "SHA-256 or a bzImage path")
                                                      : std::string();
                                },
                                "KERNEL"));
  CLI::Option* modules = cmd->add_option("--modules", options->modules_dir,
                                         "With --kernel PATH: the kernel's /lib/modules/<release> directory");
  CLI::Option* accel =
      cmd->add_option("--accel", options->accel, "auto (KVM if a probe shows it works, else TCG), kvm or tcg")
          ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  cmd->add_option("--boot", options->boot,
                  "snapshot: boot each guest shape once and restore it for every cell (falls back to cold "
                  "where it cannot); cold: boot every cell (default: the matrix's run.boot, snapshot)")
      ->check(CLI::IsMember({"snapshot", "cold"}));
  CLI::Option* backend =
      cmd->add_option("--backend", options->backend,
                      "qemu (runs qemu-system-x86_64 itself) or libvirt (transient domains through libvirtd); "
                      "default: the matrix's run.backend")
          ->check(CLI::IsMember({"qemu", "libvirt"}));
  CLI::Option* connect = cmd->add_option(
      "--connect", options->connect,
      "With --backend libvirt: a host's URI (default qemu:///system; also qemu+ssh://user@host/system, "
      "qemu+unix:///system?socket=PATH); repeat it to spread the cells over several hosts, each within its "
      "own jobs and memory; replaces the matrix's run.connect");
  cmd->add_option("--cache", options->cache_dir, "Kernel and initramfs cache (default: $XDG_CACHE_HOME/kmatrix)");
  cmd->add_option("--jobs,-j", options->jobs,
                  "VMs at once, on each host (default: host cores / guest CPUs, within host memory minus a 1 GiB reserve)")
      ->check(CLI::PositiveNumber);
  CLI::Option* repeat =
      cmd->add_option("--repeat", options->repeat, "Run each cell K times, one record each (default: run.repeat)")
          ->check(CLI::PositiveNumber);
  CLI::Option* filter = cmd->add_option("--filter", options->filter,
                                        "Only the cells that match, e.g. \"kernel=6.1 user=root procs>=80\" "
                                        "(docs/matrix.md, Filters)");
  CLI::Option* dry_run =
      cmd->add_flag("--dry-run", options->dry_run, "Print the cells that would run, as a table, and start nothing");
  CLI::Option* list_axes =
      cmd->add_flag("--list-axes", options->list_axes, "Print each parameter that varies and its values, and exit");
  CLI::Option* shard = cmd->add_option(
      "--shard", options->shard, "Run part I of N (e.g. 2/4), split by cell ID; join the parts with kmatrix merge");
  // A resumed run takes its matrix and options from its run.json.
  for (CLI::Option* o : {matrix, out, kernel, modules, accel, backend, connect, repeat, shard, filter, dry_run, list_axes})
    resume->excludes(o);
  cmd->footer(R"(
SIGINT/SIGTERM: the first stops new cells (running ones finish), the second aborts the
running cells, the third kills kmatrix. Every recorded verdict is kept; continue with --resume.)");
  return [options] {
    if (options->matrix_file.empty() && options->resume_dir.empty())
      throw UsageError("run: give a matrix file, or --resume DIR (see kmatrix run --help)");
    return runner::run_matrix(*options);
  };
}

}  // namespace kmx::cli
