#include "runner/snapshot_cache.h"

#include <stdexcept>

#include <fmt/format.h>

#include "runner/ready_boot.h"
#include "runner/snapshot_key.h"
#include "runner/snapshot_list.h"
#include "util/atomic_file.h"
#include "util/complete_directory.h"
#include "util/sha256.h"

namespace kmx::runner {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// A snapshot boot that did not reach `ready` and a save: the cell boots cold.
struct NoSnapshot : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SaveTimes {
  int64_t boot_ms = 0;  // QEMU start to `ready`
  int64_t save_ms = 0;  // `ready` to the device state written
};

// Boots `guest` to the agent's `ready` and saves it there to `files` (QEMU:
// its RAM in files.memory from the start). The boot's console.log and
// qemu.log stay in dir.
SaveTimes boot_and_save(vm::Backend& backend, vm::VmConfig guest, const fs::path& dir, const vm::SnapshotFiles& files,
                        milliseconds timeout) {
  guest.evidence_dir = dir;
  guest.memory_file = files.memory;
  guest.name = files.domain;
  const auto start = Clock::now();
  Clock::time_point ready;
  const std::string error = boot_until_ready(backend, guest, timeout, [&](vm::Guest& vm, auto done) {
    ready = Clock::now();
    vm.save_snapshot(files.state, [done](const std::string& why) { done(why.empty() ? why : "saving: " + why); });
  });
  if (!error.empty()) throw NoSnapshot(error);
  return {.boot_ms = std::chrono::duration_cast<milliseconds>(ready - start).count(),
          .save_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - ready).count()};
}

}  // namespace

SnapshotCache::SnapshotCache(vm::Backend& backend, fs::path cache_dir)
    : backend_(backend), dir_(std::move(cache_dir) / "snapshots"), identity_(backend.snapshot_identity()) {}

fs::path SnapshotCache::dir_of(const std::string& key) const { return dir_ / key; }

Snapshot SnapshotCache::at(const std::string& key) const {
  const fs::path dir = dir_of(key);
  return {.key = key, .dir = dir, .files = backend_.snapshot_files(dir, key), .lease = nullptr};
}

bool SnapshotCache::has(const vm::VmConfig& guest) {
  const Snapshot snapshot = at(snapshot_key(key_parts(guest)));
  return fs::is_directory(snapshot.dir) && backend_.snapshot_complete(snapshot.files, guest.memory);
}

std::string SnapshotCache::file_sha256(const fs::path& path) {
  std::lock_guard lock(mutex_);
  auto it = sha256_.find(path);
  if (it == sha256_.end()) it = sha256_.emplace(path, util::sha256_file(path)).first;
  return it->second;
}

SnapshotKeyParts SnapshotCache::key_parts(const vm::VmConfig& guest) {
  return {.kernel_sha256 = file_sha256(guest.kernel),
          .initramfs_sha256 = file_sha256(guest.initramfs),
          .cmdline = guest.cmdline,
          .memory = guest.memory,
          .cpus = guest.cpus,
          .accel = guest.accel,
          .backend = identity_};
}

std::optional<Snapshot> SnapshotCache::get(const vm::VmConfig& guest, milliseconds boot_timeout, std::string& why) {
  const SnapshotKeyParts parts = key_parts(guest);
  const std::string key = snapshot_key(parts);
  {
    std::lock_guard lock(mutex_);
    if (const auto it = failed_.find(key); it != failed_.end()) {
      why = it->second;
      return std::nullopt;
    }
  }
  Snapshot snapshot = at(key);
  if (!backend_.concurrent_restores()) {
    std::lock_guard lock(mutex_);
    if (!leased_.insert(key).second) {
      why = fmt::format("snapshot {} is being restored by another cell, and the {} backend restores one guest per "
                        "snapshot at a time",
                        key, backend_.name());
      return std::nullopt;
    }
    snapshot.lease = std::shared_ptr<void>(nullptr, [this, key](void*) {
      std::lock_guard lock(mutex_);
      leased_.erase(key);
    });
    if (const std::string busy = backend_.snapshot_in_use(snapshot.files); !busy.empty()) {
      why = fmt::format("snapshot {} cannot be restored now: {}", key, busy);
      return std::nullopt;
    }
  }
  const fs::path& dir = snapshot.dir;
  if (fs::is_directory(dir) && !backend_.snapshot_complete(snapshot.files, guest.memory)) {
    fmt::print(stderr, "kmatrix: warning: snapshot {} is incomplete; making it again\n", key);
    discard(snapshot);
  }
  try {
    util::create_directory_once(dir, [&](const fs::path& staging) {
      fmt::print(stderr, "kmatrix: booting {} once for snapshot {}\n", guest.kernel.filename().string(), key);
      const SaveTimes times =
          boot_and_save(backend_, guest, staging, backend_.snapshot_files(staging, key), boot_timeout);
      const nlohmann::json info = {{"key", key},
                                   {"parts", snapshot_key_json(parts)},
                                   {"kernel", guest.kernel.filename().string()},  // for `image snapshots`
                                   {"boot_ms", times.boot_ms},
                                   {"save_ms", times.save_ms}};
      util::write_file_atomically(staging / "key.json", info.dump(2) + "\n");
    });
  } catch (const NoSnapshot& e) {
    why = fmt::format("the snapshot boot did not reach ready ({})", e.what());
    std::lock_guard lock(mutex_);
    failed_[key] = why;
    return std::nullopt;
  }
  mark_used(dir);
  return snapshot;
}

void SnapshotCache::discard(const Snapshot& snapshot) {
  backend_.delete_snapshot(snapshot.files);
  remove_snapshot(snapshot.dir);
}

}  // namespace kmx::runner
