#include "runner/guest_cmdline.h"

#include <fmt/format.h>

#include "agent/cell_message.h"

namespace kmx::runner {

std::string guest_cmdline(const matrix::Cell& cell, bool brd_built_in) {
  // swapaccount=1: memsw files on kernels that default it off (2.6.32-4.x).
  // sysrq_always_enabled: evidence via sysrq w/t even if the agent is stuck.
  // no_timer_check: under TCG on a busy host the boot's IO-APIC timer check
  // can miss its ticks and panic ("IO-APIC + timer doesn't work!"), which
  // would read as a kernel panic; every kernel since 2.6.x takes the flag.
  std::string line = "console=ttyS0,115200 swapaccount=1 sysrq_always_enabled=1 mitigations=off no_timer_check";
  // A built-in brd keeps its configured size (CONFIG_BLK_DEV_RAM_SIZE, 4-16
  // MiB) unless sized here: brd.rd_size= is its module parameter, built in;
  // ramdisk_size= the legacy spelling 2.6.32's documentation gives (recent
  // kernels drop it). Unknown ones only reach init's environment.
  if (brd_built_in && cell.guest.swap > 0)
    line += fmt::format(" brd.rd_nr=1 brd.rd_size={0} ramdisk_size={0}", agent::swap_disk_kib(cell));
  if (!cell.guest.cmdline.empty()) line += " " + cell.guest.cmdline;
  return line;
}

}  // namespace kmx::runner
