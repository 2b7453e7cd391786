// Unpacking a .deb without dpkg: it is an ar archive whose data.tar.* member
// holds the files. Lets kernels be taken from packages without installing them.
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>

namespace kmx::image {

// Extracts into `dest` the files of the .deb whose path (relative, without a
// leading "./", e.g. "boot/vmlinuz-6.1.0-56-amd64") `keep` accepts.
// UsageError if the file is not a .deb.
void unpack_deb(const std::filesystem::path& deb, const std::filesystem::path& dest,
                const std::function<bool(std::string_view path)>& keep);

}  // namespace kmx::image
