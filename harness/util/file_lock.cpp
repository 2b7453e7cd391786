#include "util/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.h"

namespace kmx::util {

FileLock::FileLock(const std::filesystem::path& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
  if (fd_ < 0) throw_errno("opening lock file " + path.string());
  int rc;
  while ((rc = ::flock(fd_, LOCK_EX)) != 0 && errno == EINTR) {
  }
  if (rc != 0) {
    const int saved = errno;
    ::close(fd_);
    errno = saved;
    throw_errno("locking " + path.string());
  }
}

// Closing the descriptor releases the lock; the file stays, as unlinking it
// would let a waiter lock an inode nobody else sees.
FileLock::~FileLock() { ::close(fd_); }

}  // namespace kmx::util
