// Snapshots of booted guests, one per guest shape (snapshot_key.h), in the
// kmatrix cache: cache_dir/snapshots/<key>/ holds `key.json` (the key's parts
// and what the save took), the boot's console.log and, for the QEMU backend,
// `memory` (the guest's RAM, mapped copy-on-write by every restore, never
// written again) and `state` (the device state); a libvirt host keeps its
// save image itself (libvirt_snapshot.h), and the key holds the host. A
// snapshot is made by booting the guest once to the agent's `ready` and
// saving it there, in a staging directory renamed when complete, under a
// lock: of concurrent runs and jobs one boots, the others wait and restore.
// Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "runner/snapshot_key.h"
#include "vm/backend.h"

namespace kmx::runner {

struct Snapshot {
  std::string key;
  std::filesystem::path dir;
  vm::SnapshotFiles files;
  // Where the backend restores one guest per snapshot at a time
  // (vm::Backend::concurrent_restores), held until the restored cell ends.
  std::shared_ptr<void> lease;
};

class SnapshotCache {
 public:
  SnapshotCache(vm::Backend& backend, std::filesystem::path cache_dir);

  // The snapshot of the guest `guest` describes (its evidence_dir is not
  // used), booted and saved now if no run has. Nullopt, with the reason in
  // `why`, when the guest did not boot to `ready` within `boot_timeout`
  // (remembered for the rest of the run), or when another cell of this run
  // holds the snapshot's only restore.
  std::optional<Snapshot> get(const vm::VmConfig& guest, std::chrono::milliseconds boot_timeout, std::string& why);

  // Whether get() would restore `guest` now, without a boot first.
  bool has(const vm::VmConfig& guest);

  // A snapshot that did not restore: deleted, so the next get() makes it anew.
  void discard(const Snapshot& snapshot);

  std::filesystem::path dir_of(const std::string& key) const;

 private:
  Snapshot at(const std::string& key) const;
  SnapshotKeyParts key_parts(const vm::VmConfig& guest);
  std::string file_sha256(const std::filesystem::path& path);

  vm::Backend& backend_;
  std::filesystem::path dir_;
  std::string identity_;
  std::mutex mutex_;
  std::map<std::filesystem::path, std::string> sha256_;  // of kernels and initramfs, hashed once
  std::map<std::string, std::string> failed_;            // key -> why its boot failed
  std::set<std::string> leased_;                         // keys restored now, where only one may be
};

}  // namespace kmx::runner
