// The snapshots in a kmatrix cache, for `kmatrix image snapshots`: what each
// is (its key's parts), what it takes on disk, when a cell last restored from
// it, and pruning the ones no cell has used for a while.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kmx::runner {

struct SnapshotInfo {
  std::string key;
  std::filesystem::path dir;
  nlohmann::json parts;                 // key.json's "parts" (snapshot_key.h)
  std::string kernel;                   // the bzImage's file name, when key.json has it
  uint64_t disk_bytes = 0;              // allocated: the memory file is sparse
  std::filesystem::file_time_type last_used;  // the directory's mtime, set at each restore
};

// Complete snapshots only (a staging directory has no key.json yet), by key.
std::vector<SnapshotInfo> list_snapshots(const std::filesystem::path& cache_dir);

// Those not restored from within `unused_for` of `now`. Pure.
std::vector<SnapshotInfo> stale_snapshots(const std::vector<SnapshotInfo>& all, std::filesystem::file_time_type now,
                                          std::chrono::hours unused_for);

// Marks the snapshot in `dir` used now.
void mark_used(const std::filesystem::path& dir);

// Deletes the snapshot in `dir` under its lock, so never one being made.
// Guests restored from it keep their mapping of the deleted file.
void remove_snapshot(const std::filesystem::path& dir);

}  // namespace kmx::runner
