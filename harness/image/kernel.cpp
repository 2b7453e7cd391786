#include "image/kernel.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <ranges>

#include "image/bzimage.h"
#include "image/deb_unpack.h"
#include "image/debian_package.h"
#include "image/kernel_package.h"
#include "util/complete_directory.h"
#include "util/error.h"
#include "util/sha256.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

// A distribution kernel comes from the host's apt, so it is only available
// on a host of that release.
struct DistroKernel {
  std::string_view spec;
  std::string_view codename;      // the host's VERSION_CODENAME must match
  std::string_view metapackage;   // depends on the current kernel package
};

constexpr std::array kDistroKernels = {
    DistroKernel{"debian:bookworm", "bookworm", "linux-image-amd64"},
};

bool is_distro_spec(const std::string& spec) {
  return spec.find(':') != std::string::npos && spec.find('/') == std::string::npos;
}

std::string host_codename() {
  std::ifstream in("/etc/os-release");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("VERSION_CODENAME=")) return line.substr(17);
  return "unknown";
}

// What the cache keeps of a kernel package: the kernel, its config, its modules.
bool kept_from_package(std::string_view path) {
  return path.starts_with("boot/vmlinuz-") || path.starts_with("boot/config-") || path.starts_with("lib/modules/");
}

fs::path find_vmlinuz(const fs::path& unpacked) {
  for (const auto& e : fs::directory_iterator(unpacked / "boot"))
    if (e.path().filename().string().starts_with("vmlinuz-")) return e.path();
  throw HostError(fmt::format("{}: kernel package holds no /boot/vmlinuz-*", unpacked.string()));
}

Kernel describe(const std::string& spec, const fs::path& bzimage, const fs::path& modules_dir) {
  const std::string version = read_bzimage_version(bzimage);
  return {.spec = spec,
          .bzimage = bzimage,
          .modules_dir = modules_dir,
          .release = release_of(version),
          .version_string = version,
          .sha256 = util::sha256_file(bzimage)};
}

Kernel resolve_distro_kernel(const std::string& spec, const fs::path& modules_dir, const fs::path& cache_dir) {
  const auto known = std::ranges::find(kDistroKernels, spec, &DistroKernel::spec);
  if (known == kDistroKernels.end())
    throw UsageError(fmt::format("kernel {}: unknown distribution kernel; known: {}", spec,
                                 fmt::join(kDistroKernels | std::views::transform(&DistroKernel::spec), ", ")));
  if (const std::string host = host_codename(); host != known->codename)
    throw HostError(fmt::format("kernel {}: taken from this host's apt, but the host is {}, not {}", spec, host,
                                known->codename));

  const fs::path kernels = cache_dir / "kernels";
  const AptPackage package =
      current_kernel_package(std::string(known->metapackage), kernels / fmt::format("{}.package", known->codename));
  const fs::path unpacked = kernels / package.sha256;
  util::create_directory_once(unpacked, [&](const fs::path& staging) {
    fmt::print(stderr, "kmatrix: downloading {} {}\n", package.name, package.version);
    const fs::path deb = apt_download(package, staging);
    unpack_deb(deb, staging, kept_from_package);
    fs::remove(deb);  // everything needed is unpacked; the .deb would double the cache
  });

  Kernel k = describe(spec, find_vmlinuz(unpacked), {});
  k.modules_dir = modules_dir.empty() ? unpacked / "lib" / "modules" / k.release : modules_dir;
  if (!fs::is_directory(k.modules_dir))
    throw HostError(fmt::format("{}: kernel package {} has no modules for {}", unpacked.string(), package.name, k.release));
  return k;
}

}  // namespace

Kernel resolve_kernel(const std::string& spec, const fs::path& modules_dir, const fs::path& cache_dir) {
  if (!modules_dir.empty() && !fs::is_directory(modules_dir))
    throw UsageError(fmt::format("{}: modules_dir is not a directory", modules_dir.string()));
  if (is_distro_spec(spec)) return resolve_distro_kernel(spec, modules_dir, cache_dir);
  return describe(spec, spec, modules_dir);
}

fs::path default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') return fs::path(xdg) / "kmatrix";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "kmatrix";
  throw HostError("no cache directory: neither XDG_CACHE_HOME nor HOME is set");
}

}  // namespace kmx::image
