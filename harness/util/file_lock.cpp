#include "util/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.h"

namespace kmx::util {

namespace {

// Read-only is enough for flock, and lets another user lock a file this one created.
int open_lock_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("opening lock file " + path.string());
  return fd;
}

[[noreturn]] void fail_locking(int fd, const std::filesystem::path& path) {
  const int saved = errno;
  ::close(fd);
  errno = saved;
  throw_errno("locking " + path.string());
}

}  // namespace

FileLock::FileLock(const std::filesystem::path& path, Mode mode) : fd_(open_lock_file(path)) {
  int rc;
  while ((rc = ::flock(fd_, mode == Mode::shared ? LOCK_SH : LOCK_EX)) != 0 && errno == EINTR) {
  }
  if (rc != 0) fail_locking(fd_, path);
}

std::unique_ptr<FileLock> FileLock::try_exclusive(const std::filesystem::path& path) {
  const int fd = open_lock_file(path);
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return std::unique_ptr<FileLock>(new FileLock(fd));
  if (errno != EWOULDBLOCK) fail_locking(fd, path);
  ::close(fd);
  return nullptr;
}

// Closing the descriptor releases the lock; the file stays, as unlinking it
// would let a waiter lock an inode nobody else sees.
FileLock::~FileLock() { ::close(fd_); }

}  // namespace kmx::util
