// Unpacking kernel packages without dpkg or rpm: a .deb is an ar archive whose
// data.tar.* member holds the files; an .rpm is a header followed by a
// compressed cpio payload. libarchive reads both.
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>

namespace kmx::image {

enum class PackageKind { deb, rpm, none };

// By the file's magic bytes: "!<arch>\ndebian-binary", or the RPM lead.
PackageKind package_kind(const std::filesystem::path& file);

// Extracts into `dest` the files of the package whose path (relative,
// without a leading "./" or "/", e.g. "boot/vmlinuz-6.1.0-56-amd64") `keep`
// accepts. UsageError if the file is not such a package or is corrupt.
void unpack_deb(const std::filesystem::path& deb, const std::filesystem::path& dest,
                const std::function<bool(std::string_view path)>& keep);
void unpack_rpm(const std::filesystem::path& rpm, const std::filesystem::path& dest,
                const std::function<bool(std::string_view path)>& keep);

}  // namespace kmx::image
