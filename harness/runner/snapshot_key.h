// What a snapshot of a booted guest is keyed by: everything that shapes the
// guest up to the agent's `ready`. A change of any part is another snapshot;
// the cell's own parameters are not parts, since they reach the agent only
// after `ready`. Pure.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace kmx::runner {

struct SnapshotKeyParts {
  std::string kernel_sha256;     // of the bzImage
  std::string initramfs_sha256;  // agent and modules
  std::string cmdline;           // the guest kernel's (per cell where the cell sizes a built-in brd)
  uint64_t memory = 0;           // bytes
  int cpus = 0;
  std::string accel;    // kvm | tcg
  std::string backend;  // vm::Backend::snapshot_identity(): binary, version, machine type
};

// The parts as JSON (kept beside the snapshot, for people).
nlohmann::json snapshot_key_json(const SnapshotKeyParts& parts);

// 16 hex digits of the SHA-256 of snapshot_key_json: the snapshot's name.
std::string snapshot_key(const SnapshotKeyParts& parts);

}  // namespace kmx::runner
