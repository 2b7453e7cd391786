#include "image/image_import.h"

#include <fmt/format.h>

#include "image/bzimage.h"
#include "image/image_fetch.h"
#include "image/package_unpack.h"
#include "util/error.h"
#include "util/sha256.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

ImageRecord import_package(const fs::path& package, PackageKind kind, ImageStore& store) {
  return store.add(util::sha256_file(package), [&](const fs::path& staging) {
    if (kind == PackageKind::deb) unpack_deb(package, staging, kept_from_package);
    else unpack_rpm(package, staging, kept_from_package);
    ImageRecord r = describe_tree(staging, package.string());
    r.source = fs::absolute(package).string();
    return r;
  });
}

// <root>/boot/vmlinuz-R -> <root>/lib/modules/R (or usr/lib/modules/R), if there is one.
fs::path modules_beside(const fs::path& bzimage, const std::string& release) {
  const fs::path root = bzimage.parent_path().parent_path();
  for (const fs::path& dir : {root / "lib/modules" / release, root / "usr/lib/modules" / release})
    if (bzimage.parent_path().filename() == "boot" && fs::is_directory(dir)) return dir;
  return {};
}

ImageRecord import_bzimage(const ImportRequest& request, ImageStore& store) {
  std::string version;
  try {
    version = read_bzimage_version(request.path);
  } catch (const UsageError&) {
    throw UsageError(fmt::format("{}: neither a kernel package (.deb, .rpm) nor a bzImage (no Linux boot header)",
                                 request.path.string()));
  }
  const std::string release = release_of(version);
  const fs::path modules = request.modules_dir.empty() ? modules_beside(request.path, release) : request.modules_dir;
  fs::path config = request.config;
  if (config.empty() && fs::exists(request.path.parent_path() / ("config-" + release)))
    config = request.path.parent_path() / ("config-" + release);
  if (!modules.empty() && !fs::is_directory(modules))
    throw UsageError(fmt::format("{}: modules directory does not exist", modules.string()));
  if (!config.empty() && !fs::is_regular_file(config))
    throw UsageError(fmt::format("{}: kernel config does not exist", config.string()));

  return store.add(util::sha256_file(request.path), [&](const fs::path& staging) {
    fs::create_directories(staging / "boot");
    fs::copy_file(request.path, staging / "boot" / ("vmlinuz-" + release));
    if (!config.empty()) fs::copy_file(config, staging / "boot" / ("config-" + release));
    if (!modules.empty()) {
      fs::create_directories(staging / "lib/modules");
      fs::copy(modules, staging / "lib/modules" / release, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    }
    ImageRecord r = describe_tree(staging, request.path.string());
    r.source = fs::absolute(request.path).string();
    return r;
  });
}

}  // namespace

ImageRecord import_image(const ImportRequest& request, ImageStore& store) {
  if (!fs::is_regular_file(request.path)) throw UsageError(fmt::format("{}: no such file", request.path.string()));
  const PackageKind kind = package_kind(request.path);
  if (kind == PackageKind::none) return import_bzimage(request, store);
  if (!request.modules_dir.empty() || !request.config.empty())
    throw UsageError(fmt::format("{}: --modules and --config are for a bare bzImage; a package brings its own",
                                 request.path.string()));
  return import_package(request.path, kind, store);
}

}  // namespace kmx::image
