// images/catalog.toml: the kernels kmatrix knows by name, and where each
// comes from (a Debian suite through apt, or a package URL with its SHA-256).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kmx::image {

struct CatalogEntry {
  std::string name;         // "debian:trixie", "centos:6.5"
  std::string distro;       // "debian", "centos"
  std::string description;  // one line for `image list`
  // A Debian kernel: the metapackage in these suites.
  std::vector<std::string> suites;
  std::string package;
  // A package at a URL (an RPM from the CentOS vault).
  std::string url;
  std::optional<std::string> sha256;  // none known: pinned on first fetch
  std::string release;                // expected `uname -r`, checked after unpacking; may be empty
  int line = 0;                       // where the entry is, for messages

  bool is_debian() const { return !suites.empty(); }
};

struct Catalog {
  std::string file;
  std::vector<CatalogEntry> entries;

  // nullptr if there is no such name.
  const CatalogEntry* find(std::string_view name) const;
  // The entry, or UsageError listing the known names.
  const CatalogEntry& at(std::string_view name) const;
};

// Parses catalog text; UsageError "FILE:LINE:COL: what is wrong" on any problem.
Catalog parse_catalog(std::string_view text, const std::string& file);
Catalog load_catalog(const std::filesystem::path& file);

// $KMATRIX_CATALOG, else the images/catalog.toml of the source tree kmatrix was built from.
std::filesystem::path default_catalog_path();

}  // namespace kmx::image
