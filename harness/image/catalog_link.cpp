#include "image/catalog_link.h"

#include <fmt/format.h>

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

std::string_view url_file_name(std::string_view url) { return url.substr(url.rfind('/') + 1); }

CatalogLink not_linked(const CatalogEntry& entry, const ImageRecord& imported, std::string_view why) {
  return {false, fmt::format("{} does not refer to this package: {}; a matrix can name it by its sha256 ({})",
                             entry.name, why, imported.sha256.substr(0, 12))};
}

// Both file name and release match: pin and point the name at it, unless the
// name already stands for other bytes.
CatalogLink link(const CatalogEntry& entry, const std::string& file, const ImageRecord& imported, ImageStore& store,
                 const std::string& catalog_file) {
  const util::FileLock lock = store.lock_name(entry.name);  // a fetch of the name sets the same pin and ref
  if (entry.sha256 && *entry.sha256 != imported.sha256)
    return not_linked(entry, imported,
                      fmt::format("{}:{} gives it sha256 {}, this package's is {}, so it is not the package the "
                                  "catalog names",
                                  catalog_file, entry.line, *entry.sha256, imported.sha256));
  const std::optional<std::string> pinned = entry.sha256 ? std::nullopt : store.pin(entry.name);
  if (pinned && *pinned != imported.sha256)
    return not_linked(entry, imported,
                      fmt::format("it is pinned to sha256 {} by an earlier fetch or import, this package's is {}; "
                                  "to make it refer to this package, delete {} and import it again",
                                  *pinned, imported.sha256, store.pin_file(entry.name).string()));
  if (!entry.sha256 && !pinned) store.set_pin(entry.name, imported.sha256);
  store.set_ref(entry.name, imported.sha256);
  return {true, fmt::format("{} now refers to this package (sha256 {}): matched file name {} and release {}",
                            entry.name, imported.sha256, file, imported.release)};
}

}  // namespace

std::optional<CatalogLink> link_import(const fs::path& package, const ImageRecord& imported, const Catalog& catalog,
                                       ImageStore& store) {
  const std::string file = package.filename().string();
  for (const CatalogEntry& e : catalog.entries) {
    if (e.is_debian() || url_file_name(e.url) != file) continue;
    if (e.release == imported.release) return link(e, file, imported, store, catalog.file);
    return not_linked(e, imported,
                      fmt::format("its file name is {}, as the catalog's, but it holds kernel {}, not {}", file,
                                  imported.release, e.release.empty() ? "(no release in the catalog)" : e.release));
  }
  // A renamed download ("kernel-....rpm (1)") of the right kernel.
  for (const CatalogEntry& e : catalog.entries)
    if (!e.is_debian() && !e.release.empty() && e.release == imported.release)
      return not_linked(e, imported,
                        fmt::format("it holds {}'s kernel {}, but its file name is {}, not {}; if it is that package, "
                                    "rename it and import it again",
                                    e.name, e.release, file, url_file_name(e.url)));
  return std::nullopt;
}

}  // namespace kmx::image
