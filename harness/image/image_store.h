// The image cache, $XDG_CACHE_HOME/kmatrix/images:
//
//   <sha256>/             one image, named by the SHA-256 of what it was made
//                         from (package or bzImage): boot/, lib/modules/, image.json
//   <sha256>.lock         two processes filling the same entry take turns
//   refs/<name>           which entry a catalog name was last fetched (or imported) as (":" written "-")
//   pins/<name>           trust-on-first-use SHA-256 of a URL image without one in the catalog,
//                         from its first fetch or a matching import (catalog_link.h)
//   locks/<name>.lock     one fetch of a name at a time (apt lists, downloads, refs)
//   downloads/            packages on their way in; never a complete-looking file until verified
//   apt/<name>/           the private apt configuration of a Debian image
//
// An entry appears only complete (filled in a staging sibling, renamed).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "image/image_record.h"
#include "util/file_lock.h"

namespace kmx::image {

class ImageStore {
 public:
  // `cache_dir` is kmatrix's cache (default_cache_dir()); images live in its images/.
  explicit ImageStore(const std::filesystem::path& cache_dir);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path entry_dir(const std::string& sha256) const { return root_ / sha256; }
  // A per-name directory under root()/`area` ("apt", "downloads"), created.
  std::filesystem::path area(std::string_view area, std::string_view name) const;

  std::optional<ImageRecord> find(const std::string& sha256) const;
  // The one entry whose SHA-256 starts with `prefix`; UsageError if several do.
  std::optional<ImageRecord> find_prefix(std::string_view prefix) const;
  std::vector<ImageRecord> all() const;

  // Creates the entry for `sha256` once: fill(staging) unpacks into the
  // staging directory and describes it; the record is stored as image.json.
  ImageRecord add(const std::string& sha256, const std::function<ImageRecord(const std::filesystem::path&)>& fill);

  std::optional<std::string> ref(std::string_view name) const;
  void set_ref(std::string_view name, const std::string& sha256);
  std::optional<std::string> pin(std::string_view name) const;
  void set_pin(std::string_view name, const std::string& sha256);
  std::filesystem::path pin_file(std::string_view name) const;

  // Held while fetching `name`.
  util::FileLock lock_name(std::string_view name) const;

 private:
  std::optional<std::string> read_small(const std::filesystem::path& file) const;
  void write_small(const std::filesystem::path& file, const std::string& value) const;

  std::filesystem::path root_;
};

// "debian:trixie" -> "debian-trixie": a name as one path component.
std::string name_key(std::string_view name);

}  // namespace kmx::image
