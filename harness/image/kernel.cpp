#include "image/kernel.h"

#include <fmt/format.h>

#include <cstdlib>

#include "image/bzimage.h"
#include "image/catalog.h"
#include "image/image_fetch.h"
#include "image/image_record.h"
#include "image/image_store.h"
#include "image/kernel_version.h"
#include "image/modules.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/xdg.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMinShaPrefix = 12;

bool is_catalog_name(const std::string& spec) {
  return spec.find(':') != std::string::npos && spec.find('/') == std::string::npos;
}

bool is_sha_prefix(const std::string& spec) {
  return spec.size() >= kMinShaPrefix && spec.size() <= 64 &&
         spec.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Kernel describe(const std::string& spec, const fs::path& bzimage) {
  const std::string version = read_bzimage_version(bzimage);
  return {.spec = spec,
          .bzimage = bzimage,
          .modules_dir = {},
          .config = {},
          .release = release_of(version),
          .version_string = version,
          .sha256 = util::sha256_file(bzimage),
          .distro = distro_of_release(release_of(version))};
}

Kernel from_record(const std::string& spec, const ImageRecord& r, const ImageStore& store) {
  const fs::path dir = store.entry_dir(r.sha256);
  Kernel k = describe(spec, dir / r.bzimage);
  if (!r.modules_dir.empty()) k.modules_dir = dir / r.modules_dir;
  if (!r.config.empty()) k.config = dir / r.config;
  k.distro = r.distro;
  return k;
}

Kernel resolve_cached(const std::string& spec, const fs::path& cache_dir) {
  ImageStore store(cache_dir);
  if (is_catalog_name(spec)) {
    const Catalog catalog = load_catalog(default_catalog_path());
    const CatalogEntry& entry = catalog.at(spec);
    Kernel k = from_record(spec, cached_or_fetch(entry, store), store);
    k.distro = entry.distro;  // an import the name refers to (catalog_link.h) only guessed it from the release
    return k;
  }
  if (auto r = store.find_prefix(spec)) return from_record(spec, *r, store);
  throw UsageError(fmt::format("kernel {}: no cached image has this SHA-256 (see `kmatrix image list`)", spec));
}

}  // namespace

Kernel resolve_kernel(const std::string& spec, const fs::path& modules_dir, const fs::path& cache_dir) {
  if (!modules_dir.empty() && !fs::is_directory(modules_dir))
    throw UsageError(fmt::format("{}: modules_dir is not a directory", modules_dir.string()));
  Kernel k = is_catalog_name(spec) || is_sha_prefix(spec) ? resolve_cached(spec, cache_dir) : describe(spec, spec);
  if (!modules_dir.empty()) k.modules_dir = modules_dir;
  return k;
}

std::optional<std::string> known_release(const std::string& spec, const fs::path& cache_dir) {
  const ImageStore store(cache_dir);
  if (is_catalog_name(spec)) {
    const Catalog catalog = load_catalog(default_catalog_path());
    const CatalogEntry& entry = catalog.at(spec);
    if (const auto sha = store.ref(spec))
      if (const auto r = store.find(*sha)) return r->release;
    if (!entry.release.empty()) return entry.release;
    return std::nullopt;
  }
  if (is_sha_prefix(spec)) {
    if (const auto r = store.find_prefix(spec)) return r->release;
    throw UsageError(fmt::format("kernel {}: no cached image has this SHA-256 (see `kmatrix image list`)", spec));
  }
  if (!fs::is_regular_file(spec)) throw UsageError(fmt::format("kernel {}: no such bzImage file", spec));
  return release_of(read_bzimage_version(spec));
}

KernelReport check_kernel_image(const Kernel& kernel, const CellNeeds& needs) {
  const auto config = load_kernel_config(kernel.config, kernel.bzimage);
  const auto version = parse_kernel_version(kernel.release);
  if (!version) throw UsageError(fmt::format("kernel {}: release '{}' has no version number", kernel.spec, kernel.release));
  const ModuleNames modules = kernel.modules_dir.empty() ? ModuleNames{} : module_names(kernel.modules_dir);
  return {config ? config->origin : "",
          check_kernel(config ? std::optional(config->config) : std::nullopt, *version, modules, needs)};
}

KernelReport require_runnable(const Kernel& kernel, const CellNeeds& needs) {
  const KernelReport report = check_kernel_image(kernel, needs);
  if (!report.check.can_run())
    throw UsageError(fmt::format("kernel {} ({}) cannot run these cells: {}", kernel.spec, kernel.release,
                                 report.check.missing_summary()));
  if (!report.check.config_known)
    fmt::print(stderr,
               "kmatrix: warning: kernel {} ({}): no config (no /boot/config-*, no IKCONFIG), so memory cgroup, "
               "console and driver support are not checked before boot\n",
               kernel.spec, kernel.release);
  return report;
}

fs::path default_cache_dir() {
  if (const auto cache = util::xdg_dir("XDG_CACHE_HOME", ".cache")) return *cache / "kmatrix";
  throw HostError("no cache directory: neither XDG_CACHE_HOME nor HOME is set");
}

}  // namespace kmx::image
