// `kmatrix run MATRIX`: the main job.
#include <memory>

#include "cli/commands.h"
#include "runner/run.h"

namespace kmx::cli {

Command add_run_command(CLI::App& app) {
  auto options = std::make_shared<runner::RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run every cell of a matrix file and record the verdicts");
  cmd->add_option("matrix", options->matrix_file, "Matrix file (TOML), e.g. matrix/smoke.toml")->required();
  cmd->add_option("--out", options->out_dir,
                  "Output directory (default: results/<UTC time>); must not hold a run already");
  cmd->add_option("--kernel", options->kernel_override,
                  "Kernel for every cell: a catalog name (debian:trixie, centos:6.5), a cache SHA-256, or a bzImage path");
  cmd->add_option("--modules", options->modules_dir,
                  "With --kernel PATH: the kernel's /lib/modules/<release> directory");
  cmd->add_option("--accel", options->accel, "auto (KVM if a probe shows it works, else TCG), kvm or tcg")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  cmd->add_option("--cache", options->cache_dir, "Kernel and initramfs cache (default: $XDG_CACHE_HOME/kmatrix)");
  return [options] { return runner::run_matrix(*options); };
}

}  // namespace kmx::cli
