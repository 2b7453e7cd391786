// A kernel ready to boot: which bzImage, its modules and config, and its
// release. Matrix files and --kernel name it by catalog name
// ("debian:trixie"), by cache SHA-256 (or a prefix of at least 12 digits),
// or by a bzImage path.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "image/kernel_check.h"

namespace kmx::image {

struct Kernel {
  std::string spec;                   // as the user wrote it
  std::filesystem::path bzimage;
  std::filesystem::path modules_dir;  // the /lib/modules/<release> tree; empty if none
  std::filesystem::path config;       // its .config; empty: IKCONFIG in the image, if any
  std::string release;                // "6.1.0-56-amd64", from the bzImage header
  std::string version_string;         // the header's full version string
  std::string sha256;                 // of the bzImage
  std::string distro;                 // from the catalog, else guessed from the release
};

// `modules_dir`, if not empty, must exist and replaces the image's modules.
// A catalog name not yet in the cache (`cache_dir`/images) is fetched; one
// that is, is used as cached (`kmatrix image fetch` refreshes it).
Kernel resolve_kernel(const std::string& spec, const std::filesystem::path& modules_dir,
                      const std::filesystem::path& cache_dir);

// The release (`uname -r`) of a kernel without fetching it: a cached image's,
// else the catalog entry's stated one, else a bzImage file's header; nullopt
// when only a fetch would tell (a Debian name not yet fetched). UsageError for
// an unknown catalog name, SHA-256 prefix or missing file.
std::optional<std::string> known_release(const std::string& spec, const std::filesystem::path& cache_dir);

// The checks of kernel_check.h on this kernel's config and modules.
struct KernelReport {
  std::string config_origin;  // where the config came from; empty if none was found
  KernelCheck check;
};
KernelReport check_kernel_image(const Kernel& kernel, const CellNeeds& needs);

// UsageError "kernel SPEC (RELEASE) cannot run these cells: ..." unless the
// check passes; a kernel whose config is unknown passes with a warning.
// Returns the check, for what it found built in.
KernelReport require_runnable(const Kernel& kernel, const CellNeeds& needs);

// $XDG_CACHE_HOME/kmatrix, or ~/.cache/kmatrix.
std::filesystem::path default_cache_dir();

}  // namespace kmx::image
