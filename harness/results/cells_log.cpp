#include "results/cells_log.h"

#include <fcntl.h>
#include <unistd.h>

#include "util/error.h"

namespace kmx::results {

CellsLog::CellsLog(const std::filesystem::path& run_dir) : path_(run_dir / "cells.jsonl") {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_errno("opening " + path_.string());
}

CellsLog::~CellsLog() {
  if (fd_ >= 0) ::close(fd_);
}

void CellsLog::append(const nlohmann::json& record) {
  // One write() per record: with O_APPEND the line lands whole or not at all
  // (short of a full disk, which the loop below reports).
  const std::string line = record.dump() + "\n";
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("writing " + path_.string());
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd_) != 0) throw_errno("fsync " + path_.string());
}

}  // namespace kmx::results
