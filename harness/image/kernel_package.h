// Which Debian package a distribution kernel currently is. Asking apt-cache
// costs about a second on hosts without apt's binary cache (Debian's Docker
// images disable it), so the answer is remembered until apt's package lists
// or pinning change, which is the only time it can change.
#pragma once

#include <filesystem>
#include <string>

#include "image/debian_package.h"

namespace kmx::image {

// The package `metapackage` (e.g. linux-image-amd64) currently depends on,
// remembered in the file `memo`.
AptPackage current_kernel_package(const std::string& metapackage, const std::filesystem::path& memo);

}  // namespace kmx::image
