#include "util/complete_directory.h"

#include <stdlib.h>

#include <string>
#include <system_error>

#include "util/error.h"
#include "util/file_lock.h"

namespace kmx::util {

namespace fs = std::filesystem;

namespace {

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

}  // namespace

void create_directory_once(const fs::path& dir, const std::function<void(const fs::path& staging)>& fill) {
  if (fs::is_directory(dir)) return;
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  if (ec) throw HostError("creating " + dir.parent_path().string() + ": " + ec.message());

  FileLock lock(dir.string() + ".lock");
  if (fs::is_directory(dir)) return;  // another process filled it while we waited

  // Holding the lock, any staging sibling is a leftover of a killed fill.
  const std::string stem = dir.filename().string() + ".tmp-";
  for (const auto& e : fs::directory_iterator(dir.parent_path()))
    if (e.path().filename().string().starts_with(stem)) remove_quietly(e.path());

  std::string staging = dir.string() + ".tmp-XXXXXX";
  if (::mkdtemp(staging.data()) == nullptr) throw_errno("creating " + staging);
  try {
    fs::permissions(staging, fs::perms(0755));  // mkdtemp makes it 0700; the cache is readable like any other
    fill(staging);
  } catch (...) {
    remove_quietly(staging);
    throw;
  }
  fs::rename(staging, dir, ec);
  if (ec) {
    remove_quietly(staging);
    throw HostError("renaming " + staging + " to " + dir.string() + ": " + ec.message());
  }
}

}  // namespace kmx::util
