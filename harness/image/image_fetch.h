// Getting catalog images into the cache: Debian kernels through a private
// apt configuration on the host's mirrors, URL images (CentOS RPMs) over
// HTTP with SHA-256 verification and trust-on-first-use pinning.
#pragma once

#include <filesystem>
#include <string>

#include "image/catalog.h"
#include "image/image_record.h"
#include "image/image_store.h"

namespace kmx::image {

// Where the host's apt configuration and release are read from.
struct HostApt {
  std::filesystem::path etc_apt = "/etc/apt";
  std::filesystem::path os_release = "/etc/os-release";
};

// Fetches `entry` (refreshing a Debian suite's package lists) and points its
// ref at the result. A URL image whose SHA-256 is known (catalog or pin) and
// already cached is not downloaded again.
ImageRecord fetch_image(const CatalogEntry& entry, ImageStore& store, const HostApt& host = {});

// The cached image `name` was last fetched as, fetching it if it never was.
ImageRecord cached_or_fetch(const CatalogEntry& entry, ImageStore& store, const HostApt& host = {});

// What the cache keeps of a kernel package: the kernel, its config, its modules.
bool kept_from_package(std::string_view path);

}  // namespace kmx::image
