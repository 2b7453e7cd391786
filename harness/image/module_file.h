// Kernel module files as distributions ship them: foo.ko, or compressed as
// foo.ko.xz / foo.ko.zst / foo.ko.gz.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace kmx::image {

// "foo" for foo.ko and its compressed forms; nullopt for any other file name.
std::optional<std::string> module_name_of(const std::filesystem::path& file);

// The kernel's view of a name: '-' and '_' are the same character.
std::string canonical_module_name(std::string name);

// The ELF bytes of a module file, decompressed if needed. UsageError if unreadable.
std::string read_module_file(const std::filesystem::path& file);

}  // namespace kmx::image
