// The x86 Linux boot header of a bzImage: enough to tell a kernel from any
// other file and to learn which kernel it is without booting it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace kmx::image {

// The header's kernel version string, e.g. "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP ...".
// UsageError naming the path if the file is missing or not a bzImage.
std::string read_bzimage_version(const std::filesystem::path& bzimage);

// The release, the version string's first word: what `uname -r` prints and
// what /lib/modules/<release> is named after.
std::string release_of(std::string_view version_string);

}  // namespace kmx::image
