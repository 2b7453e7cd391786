// Cache directories that are either absent or complete: filled in a staging
// sibling under a lock, then renamed into place, so an interrupted fill never
// looks finished and two processes never fill the same entry at once.
#pragma once

#include <filesystem>
#include <functional>

namespace kmx::util {

// If `dir` does not exist, calls fill(staging) and renames staging to `dir`.
// A fill that throws leaves nothing behind.
void create_directory_once(const std::filesystem::path& dir,
                           const std::function<void(const std::filesystem::path& staging)>& fill);

}  // namespace kmx::util
