// An imported package that is the one a catalog entry downloads (the file
// name of the entry's URL and the release it must hold, as the CentOS vault
// RPMs are brought by hand to hosts that cannot reach the vault) becomes what
// that catalog name refers to: its SHA-256 is pinned for the name, as a first
// fetch would pin it, and the name's ref points at it, so the name resolves
// from the cache without any download.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "image/catalog.h"
#include "image/image_record.h"
#include "image/image_store.h"

namespace kmx::image {

struct CatalogLink {
  bool linked = false;
  std::string message;  // one line: what the name now refers to, or why it was left alone and what to do
};

// `package` is the imported file, `imported` its cache record. nullopt when
// no catalog entry downloads a file of that name or holds that release. A
// name pinned (or given a sha256 by the catalog) for other bytes is not
// repointed.
std::optional<CatalogLink> link_import(const std::filesystem::path& package, const ImageRecord& imported,
                                       const Catalog& catalog, ImageStore& store);

}  // namespace kmx::image
