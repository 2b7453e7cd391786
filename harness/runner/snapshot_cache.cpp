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

// Boots `guest` with its RAM in dir/memory, and at the agent's `ready` saves
// the device state to dir/state. The boot's console.log and qemu.log stay in dir.
SaveTimes boot_and_save(vm::Backend& backend, vm::VmConfig guest, const fs::path& dir, milliseconds timeout) {
  guest.evidence_dir = dir;
  guest.memory_file = dir / "memory";
  const auto start = Clock::now();
  Clock::time_point ready;
  const std::string error = boot_until_ready(backend, guest, timeout, [&](vm::Guest& vm, auto done) {
    ready = Clock::now();
    vm.save_snapshot(dir / "state", [done](const std::string& why) { done(why.empty() ? why : "saving: " + why); });
  });
  if (!error.empty()) throw NoSnapshot(error);
  return {.boot_ms = std::chrono::duration_cast<milliseconds>(ready - start).count(),
          .save_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - ready).count()};
}

// The cheap part of the check: both files there, the RAM file of the guest's
// size (QEMU would extend a short one, writing into the snapshot). A state
// cut short or from another QEMU fails at restore instead.
bool looks_complete(const Snapshot& s, uint64_t memory) {
  std::error_code ec;
  return fs::file_size(s.files.memory, ec) == memory && !ec && fs::file_size(s.files.state, ec) > 0 && !ec;
}

}  // namespace

SnapshotCache::SnapshotCache(vm::Backend& backend, fs::path cache_dir)
    : backend_(backend), dir_(std::move(cache_dir) / "snapshots"), identity_(backend.snapshot_identity()) {}

fs::path SnapshotCache::dir_of(const std::string& key) const { return dir_ / key; }

Snapshot SnapshotCache::at(const std::string& key) const {
  const fs::path dir = dir_of(key);
  return {.key = key, .dir = dir, .files = {.memory = dir / "memory", .state = dir / "state"}};
}

bool SnapshotCache::has(const vm::VmConfig& guest) {
  return looks_complete(at(snapshot_key(key_parts(guest))), guest.memory);
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
  const Snapshot snapshot = at(key);
  const fs::path& dir = snapshot.dir;
  if (fs::is_directory(dir) && !looks_complete(snapshot, guest.memory)) {
    fmt::print(stderr, "kmatrix: warning: snapshot {} is incomplete; making it again\n", key);
    discard(snapshot);
  }
  try {
    util::create_directory_once(dir, [&](const fs::path& staging) {
      fmt::print(stderr, "kmatrix: booting {} once for snapshot {}\n", guest.kernel.filename().string(), key);
      const SaveTimes times = boot_and_save(backend_, guest, staging, boot_timeout);
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

void SnapshotCache::discard(const Snapshot& snapshot) { remove_snapshot(snapshot.dir); }

}  // namespace kmx::runner
