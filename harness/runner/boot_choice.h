// Whether a cell restores a snapshot or boots cold, and whether a restored
// cell's end is a verdict about the kernel or a snapshot that failed. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "outcome/watchdog.h"

namespace kmx::runner {

struct BootChoice {
  bool restore = false;
  std::string why_cold;  // empty when restoring, or when cold was asked for
};

// `requested`: the cell's run.boot (cold | snapshot, --boot overrides it).
// `backend_snapshots`: the backend `backend` can save and restore (vm::Backend::snapshots).
BootChoice choose_boot(std::string_view requested, bool backend_snapshots, std::string_view backend);

// A restored guest that did not say `ready` before the cell ended (the
// restore failed, QEMU died, the agent found a used guest or stayed silent)
// says nothing about the kernel: the snapshot is at fault, and the cell is
// booted cold. Returns why, or nullopt when the record stands.
std::optional<std::string> restore_failure(bool ready, const std::optional<outcome::Trigger>& trigger);

}  // namespace kmx::runner
