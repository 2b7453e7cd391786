// VM backend that runs qemu-system-x86_64 directly (Boost.Process v2) and
// controls it over QMP.
#pragma once

#include "vm/backend.h"

namespace kmx::vm {

class QemuBackend : public Backend {
 public:
  std::string name() const override { return "qemu"; }
  std::string version() override;  // first line of `qemu-system-x86_64 --version`
  bool snapshots() const override { return true; }
  bool restores_copy_on_write() const override { return true; }
  std::string snapshot_identity() override;  // binary path, version, machine type
  HostCapacity capacity() override;  // this machine's cores and MemAvailable
  std::string host() const override { return ""; }
  std::unique_ptr<Guest> launch(boost::asio::io_context& io, const VmConfig& config,
                                GuestEvents events) override;
};

// Path of qemu-system-x86_64 on PATH; HostError when it is missing.
std::filesystem::path qemu_executable();

}  // namespace kmx::vm
