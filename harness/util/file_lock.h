// An exclusive advisory lock on a lock file, held for the object's lifetime,
// so that two kmatrix processes filling the same cache entry take turns.
#pragma once

#include <filesystem>

namespace kmx::util {

class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path);  // blocks until locked; HostError on failure
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace kmx::util
