// Turning a kernel spec from the matrix into files to boot: a distribution
// kernel ("debian:bookworm"), fetched and cached, or a bzImage path.
#pragma once

#include <filesystem>
#include <string>

namespace kmx::image {

struct Kernel {
  std::string spec;                   // as the user wrote it: "debian:bookworm" or a path
  std::filesystem::path bzimage;
  std::filesystem::path modules_dir;  // the /lib/modules/<release> tree; empty if none
  std::string release;                // "6.1.0-56-amd64", from the bzImage header
  std::string version_string;         // the header's full version string
  std::string sha256;                 // of the bzImage
};

// `spec` is a distribution kernel if it reads "distro:suite" (no '/'), else a
// bzImage path. `modules_dir`, if not empty, must exist and replaces the
// distribution's modules. Distribution kernels are downloaded once into
// `cache_dir`; later calls only consult apt's local package lists.
Kernel resolve_kernel(const std::string& spec, const std::filesystem::path& modules_dir,
                      const std::filesystem::path& cache_dir);

// $XDG_CACHE_HOME/kmatrix, or ~/.cache/kmatrix.
std::filesystem::path default_cache_dir();

}  // namespace kmx::image
