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

// Arguments after the program name. The guest starts paused (-S): the harness
// connects to every socket first and then sends "cont", so no byte is lost.
std::vector<std::string> qemu_arguments(const VmConfig& config,
                                        const std::filesystem::path& socket_dir);

}  // namespace kmx::vm
