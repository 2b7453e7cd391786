// Can this kernel run kmatrix cells? Each requirement (memory cgroup, swap
// accounting, serial console, devtmpfs, initramfs, the drivers the cells
// load) is looked up in the kernel's config and modules. Pure: the caller
// reads the config and lists the modules.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "image/kernel_config.h"
#include "image/kernel_version.h"
#include "image/modules.h"

namespace kmx::image {

// What the cells to be run on a kernel use.
struct CellNeeds {
  bool cgroup_v1 = false;
  bool cgroup_v2 = false;
  bool swap_accounting = false;  // a memory+swap limit
  bool pid_namespace = false;
  std::vector<std::string> modules;  // drivers loaded from the initramfs ("brd")

  // What a cell with the matrix defaults uses (v1, memsw, own PID namespace, swap on brd).
  static CellNeeds defaults();
};

enum class CheckStatus { ok, missing, unknown, not_needed };

struct CheckItem {
  std::string what;    // "memory cgroup", "driver brd"
  CheckStatus status;
  std::string detail;  // "CONFIG_MEMCG=y", "module in image (kernel/drivers/block/brd.ko.xz)"
};

struct KernelCheck {
  std::vector<CheckItem> items;
  bool config_known = false;
  // The drivers the cells load (CellNeeds::modules) that are built into the
  // kernel: nothing to load, and their parameters go on the kernel command line.
  std::set<std::string> built_in;

  bool can_run() const;  // nothing needed is missing (unknowns do not count)
  // "memory cgroup: none of CONFIG_MEMCG=y, CONFIG_CGROUP_MEM_RES_CTLR=y; ..." for the missing items.
  std::string missing_summary() const;
};

// `config` nullopt: the kernel's config is not known, so only the drivers
// that exist as module files or are listed in modules.builtin can be told
// apart. `modules` is what the image's modules dir has.
KernelCheck check_kernel(const std::optional<KernelConfig>& config, const KernelVersion& version,
                         const ModuleNames& modules, const CellNeeds& needs);

std::string_view to_string(CheckStatus status);  // "ok", "MISSING", "unknown", "-"

}  // namespace kmx::image
