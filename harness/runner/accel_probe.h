// KVM or TCG. KVM is used only where a probe shows it works: /dev/kvm can
// exist while nested guests stall, so the probe boots the real kernel and
// agent with KVM and waits for `ready` with a timeout (25 s). It is asked of
// each host: this machine (its /dev/kvm, kernel and QEMU) or a libvirt host
// (its URI and versions, where only the probe can tell), and the answer is
// cached per host in kvm-probes.json.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "runner/prepared_kernel.h"
#include "vm/backend.h"

namespace kmx::runner {

// requested: auto | kvm | tcg, on `backend`'s host. kvm without a usable /dev/kvm here is a HostError.
std::string choose_accel(const std::string& requested, vm::Backend& backend, const PreparedKernel& kernel,
                         const std::filesystem::path& cache_dir);

// The pure rule: what to use given what is known about KVM here.
std::string decide_accel(const std::string& requested, bool kvm_device_usable, std::optional<bool> kvm_probe_ok);

}  // namespace kmx::runner
