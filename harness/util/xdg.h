// XDG base directories: the variable's value where it is absolute (as the
// specification says), else the default under $HOME.
#pragma once

#include <filesystem>
#include <optional>

namespace kmx::util {

// e.g. xdg_dir("XDG_CACHE_HOME", ".cache"); nullopt when neither is set.
std::optional<std::filesystem::path> xdg_dir(const char* variable, const char* under_home);

}  // namespace kmx::util
