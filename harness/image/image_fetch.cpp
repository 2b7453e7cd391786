#include "image/image_fetch.h"

#include <fmt/format.h>

#include <fstream>

#include "image/apt_sources.h"
#include "image/package_unpack.h"
#include "image/private_apt.h"
#include "util/error.h"
#include "util/http_download.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

std::string host_codename(const fs::path& os_release) {
  std::ifstream in(os_release);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("VERSION_CODENAME=")) return line.substr(17);
  throw HostError(fmt::format("{}: no VERSION_CODENAME; Debian kernels are fetched through this host's Debian "
                              "apt mirror",
                              os_release.string()));
}

void clear_directory(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) fs::remove_all(e.path(), ec);
}

// Unpacks a downloaded package into an entry and checks it is the kernel the catalog promised.
ImageRecord unpack_entry(const fs::path& package, const fs::path& staging, const CatalogEntry& entry,
                         const std::string& source) {
  switch (package_kind(package)) {
    case PackageKind::deb: unpack_deb(package, staging, kept_from_package); break;
    case PackageKind::rpm: unpack_rpm(package, staging, kept_from_package); break;
    case PackageKind::none:
      throw UsageError(fmt::format("{} ({}): not a .deb or .rpm package", entry.name, source));
  }
  ImageRecord r = describe_tree(staging, fmt::format("{} ({})", entry.name, source));
  if (!entry.release.empty() && r.release != entry.release)
    throw UsageError(fmt::format("{} ({}): holds kernel {}, but the catalog says {}", entry.name, source, r.release,
                                 entry.release));
  r.name = entry.name;
  r.distro = entry.distro;
  r.source = source;
  return r;
}

ImageRecord fetch_debian(const CatalogEntry& entry, ImageStore& store, const HostApt& host) {
  const PrivateApt apt(store.area("apt", entry.name),
                       private_sources(read_host_apt_sources(host.etc_apt), host_codename(host.os_release),
                                       entry.suites));
  fmt::print(stderr, "kmatrix: {}: updating package lists of {}\n", entry.name, fmt::join(entry.suites, ", "));
  apt.update();
  const AptPackage package = apt.candidate(apt.dependency(entry.package, "linux-image-"));
  return store.add(package.sha256, [&](const fs::path& staging) {
    fmt::print(stderr, "kmatrix: {}: downloading {} {}\n", entry.name, package.name, package.version);
    const fs::path deb = apt.download(package, staging);
    ImageRecord r = unpack_entry(deb, staging, entry, fmt::format("{} {} ({})", package.name, package.version,
                                                                  fmt::join(entry.suites, ", ")));
    fs::remove(deb);  // everything needed is unpacked; the .deb would double the cache
    return r;
  });
}

ImageRecord fetch_url(const CatalogEntry& entry, ImageStore& store) {
  std::optional<std::string> expected = entry.sha256;
  const std::optional<std::string> pinned = store.pin(entry.name);
  if (!expected) expected = pinned;
  if (expected)
    if (auto cached = store.find(*expected)) return *cached;

  // Under the name's lock anything here is a leftover of a killed fetch.
  const fs::path dir = store.area("downloads", entry.name);
  clear_directory(dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { clear_directory(dir); }
  } cleanup{dir};
  const fs::path file = dir / "package";
  fmt::print(stderr, "kmatrix: {}: downloading {}\n", entry.name, entry.url);
  const util::Downloaded got = util::http_download(entry.url, file, expected);
  ImageRecord r = store.add(got.sha256, [&](const fs::path& staging) {
    return unpack_entry(file, staging, entry, entry.url);
  });
  if (!expected) {  // only a package that unpacked to the promised kernel is pinned
    store.set_pin(entry.name, got.sha256);
    fmt::print(stderr,
               "kmatrix: WARNING: {} has no sha256 in the catalog: trusting this first download and pinning sha256 "
               "{} in {}; later fetches must match it. Verify it and add `sha256 = \"{}\"` to the catalog.\n",
               entry.name, got.sha256, store.pin_file(entry.name).string(), got.sha256);
  }
  return r;
}

}  // namespace

bool kept_from_package(std::string_view path) {
  return path.starts_with("boot/vmlinuz-") || path.starts_with("boot/config-") || path.starts_with("lib/modules/") ||
         path.starts_with("usr/lib/modules/");
}

ImageRecord fetch_image(const CatalogEntry& entry, ImageStore& store, const HostApt& host) {
  const util::FileLock lock = store.lock_name(entry.name);
  ImageRecord r = entry.is_debian() ? fetch_debian(entry, store, host) : fetch_url(entry, store);
  store.set_ref(entry.name, r.sha256);
  return r;
}

ImageRecord cached_or_fetch(const CatalogEntry& entry, ImageStore& store, const HostApt& host) {
  if (const auto sha = store.ref(entry.name))
    if (auto r = store.find(*sha)) return *r;
  return fetch_image(entry, store, host);
}

}  // namespace kmx::image
