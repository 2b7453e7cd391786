#include "runner/snapshot_list.h"

#include <sys/stat.h>

#include <algorithm>

#include "util/file_lock.h"
#include "util/read_file.h"

namespace kmx::runner {

namespace fs = std::filesystem;

namespace {

uint64_t allocated_bytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    struct stat st {};
    if (::stat(entry.path().c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

}  // namespace

std::vector<SnapshotInfo> list_snapshots(const fs::path& cache_dir) {
  std::vector<SnapshotInfo> out;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(cache_dir / "snapshots", ec)) {
    if (!entry.is_directory()) continue;
    const nlohmann::json key = nlohmann::json::parse(util::read_file(entry.path() / "key.json"), nullptr, false);
    if (!key.is_object() || !key.contains("parts")) continue;
    out.push_back({.key = entry.path().filename().string(),
                   .dir = entry.path(),
                   .parts = key.at("parts"),
                   .kernel = key.value("kernel", ""),
                   .disk_bytes = allocated_bytes(entry.path()),
                   .last_used = fs::last_write_time(entry.path(), ec)});
  }
  std::sort(out.begin(), out.end(), [](const SnapshotInfo& a, const SnapshotInfo& b) { return a.key < b.key; });
  return out;
}

std::vector<SnapshotInfo> stale_snapshots(const std::vector<SnapshotInfo>& all, fs::file_time_type now,
                                          std::chrono::hours unused_for) {
  std::vector<SnapshotInfo> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [&](const SnapshotInfo& s) { return now - s.last_used > unused_for; });
  return out;
}

void mark_used(const fs::path& dir) {
  std::error_code ignored;  // a snapshot pruned meanwhile: its restore fails and the cell boots cold
  fs::last_write_time(dir, fs::file_time_type::clock::now(), ignored);
}

void remove_snapshot(const fs::path& dir) {
  util::FileLock lock(dir.string() + ".lock");
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace kmx::runner
