// A whole file's bytes, for the places where a missing or unreadable file
// just means nothing to show (evidence, apt lists, tests). Where it is the
// user's input and must be there, the caller reports the error itself
// (matrix_file.cpp).
#pragma once

#include <filesystem>
#include <string>

namespace kmx::util {

// The file's bytes, or "" when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace kmx::util
