// Booting a guest only as far as its agent's `ready`, with nothing to run:
// the KVM probe, and the boot a snapshot is saved from.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "vm/backend.h"

namespace kmx::runner {

// Called at `ready`; the guest is shut down once it calls done("") or done(why).
using AtReady = std::function<void(vm::Guest& guest, std::function<void(const std::string& error)> done)>;

// Boots `config`; "" when the agent said `ready` within `timeout` and
// at_ready succeeded, else why not (no ready in time, an agent error, QEMU's end).
std::string boot_until_ready(vm::Backend& backend, const vm::VmConfig& config, std::chrono::milliseconds timeout,
                             const AtReady& at_ready);

}  // namespace kmx::runner
