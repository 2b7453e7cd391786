// The QEMU command line for a VmConfig: pure, so the flags are unit-tested.
#pragma once

#include <string>
#include <vector>

#include "vm/backend.h"

namespace kmx::vm {

struct QemuSockets {
  std::filesystem::path qmp, console, agent;
};

// Unix socket paths are limited to 108 bytes, so sockets live in their own
// short temporary directory, not in the (possibly deep) evidence folder.
QemuSockets qemu_sockets(const std::filesystem::path& socket_dir);

// Pinned rather than QEMU's default, and part of the snapshot key: a saved
// device state only restores into the machine it came from.
inline constexpr const char* kQemuMachine = "pc";

// Arguments after the program name. The guest starts paused (-S): the harness
// connects to every socket first and then sends "cont", so no byte is lost.
// With a memory_file the RAM is that file, shared (written through); with a
// restore it is the snapshot's memory file mapped privately (copy-on-write,
// the file never changes) and QEMU waits for the device state (-incoming).
std::vector<std::string> qemu_arguments(const VmConfig& config,
                                        const std::filesystem::path& socket_dir);

// Saving goes to a device state file through a shell pipe (QEMU 7.2 has no
// file: URI), the path quoted for the shell.
std::string migration_uri_to(const std::filesystem::path& state);

// A restore reads the device state from QEMU's stdin, which the backend opens
// on the state file: no shell and no cat to start on every cell's way.
inline constexpr const char* kMigrationFromStdin = "fd:0";

}  // namespace kmx::vm
