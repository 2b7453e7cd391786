// Files that are either absent or complete: written to a temporary sibling,
// fsynced, then renamed over the target.
#pragma once

#include <filesystem>
#include <string_view>

namespace kmx::util {

void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace kmx::util
