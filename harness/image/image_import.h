// Bringing a kernel the user has into the cache: a kernel RPM or .deb, a
// /boot/vmlinuz-<release> (with /lib/modules/<release> and
// /boot/config-<release> found beside it), or a bare bzImage.
#pragma once

#include <filesystem>

#include "image/image_record.h"
#include "image/image_store.h"

namespace kmx::image {

struct ImportRequest {
  std::filesystem::path path;
  std::filesystem::path modules_dir;  // for a bzImage: its /lib/modules/<release>; empty: look beside it
  std::filesystem::path config;       // for a bzImage: its config; empty: look beside it
};

// UsageError (one line, nothing left in the cache) for a file that is no
// kernel package or bzImage, a corrupt package, or a package without a kernel.
ImageRecord import_image(const ImportRequest& request, ImageStore& store);

}  // namespace kmx::image
