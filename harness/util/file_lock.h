// An advisory lock on a lock file, held for the object's lifetime: exclusive,
// so that two kmatrix processes filling the same cache entry take turns, or
// shared, so that several may hold it while none takes it exclusively. The
// kernel lets go of it however the process ends.
#pragma once

#include <filesystem>
#include <memory>

namespace kmx::util {

class FileLock {
 public:
  enum class Mode { exclusive, shared };
  // Blocks until locked; HostError on failure.
  explicit FileLock(const std::filesystem::path& path, Mode mode = Mode::exclusive);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Without waiting: the exclusive lock, or nullptr while another process holds a lock on `path`.
  static std::unique_ptr<FileLock> try_exclusive(const std::filesystem::path& path);

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace kmx::util
