#include "image/catalog.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <toml++/toml.h>

#include "util/error.h"

namespace kmx::image {

namespace {

[[noreturn]] void fail(const std::string& file, const toml::source_region& where, std::string_view what) {
  throw UsageError(fmt::format("{}:{}:{}: {}", file, where.begin.line, where.begin.column, what));
}

std::string string_of(const toml::node& node, const std::string& file, std::string_view key) {
  const auto* s = node.as_string();
  if (!s) fail(file, node.source(), fmt::format("{} must be a string", key));
  return s->get();
}

bool is_sha256(std::string_view s) {
  return s.size() == 64 && std::ranges::all_of(s, [](char c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); });
}

CatalogEntry parse_entry(const toml::table& t, const std::string& file) {
  CatalogEntry e;
  e.line = static_cast<int>(t.source().begin.line);
  for (const auto& [key, node] : t) {
    const std::string k(key.str());
    if (k == "name") e.name = string_of(node, file, k);
    else if (k == "distro") e.distro = string_of(node, file, k);
    else if (k == "description") e.description = string_of(node, file, k);
    else if (k == "package") e.package = string_of(node, file, k);
    else if (k == "url") e.url = string_of(node, file, k);
    else if (k == "release") e.release = string_of(node, file, k);
    else if (k == "sha256") {
      e.sha256 = string_of(node, file, k);
      if (!is_sha256(*e.sha256)) fail(file, node.source(), "sha256 must be 64 lowercase hex digits");
    } else if (k == "suites") {
      const auto* a = node.as_array();
      if (!a || a->empty()) fail(file, node.source(), "suites must be a non-empty array of strings");
      for (const toml::node& s : *a) e.suites.push_back(string_of(s, file, "each suite"));
    } else {
      fail(file, key.source(),
           fmt::format("unknown key '{}' in [[image]] (known: name, distro, description, suites, package, url, "
                       "sha256, release)",
                       k));
    }
  }
  if (e.name.find(':') == std::string::npos || e.name.find('/') != std::string::npos)
    fail(file, t.source(), fmt::format("image name '{}' must read distro:version, without '/'", e.name));
  if (e.distro.empty()) fail(file, t.source(), fmt::format("image {} has no distro", e.name));
  const bool debian = !e.suites.empty() || !e.package.empty();
  if (debian == !e.url.empty())
    fail(file, t.source(), fmt::format("image {} needs either suites + package (Debian) or url", e.name));
  if (debian && (e.suites.empty() || e.package.empty()))
    fail(file, t.source(), fmt::format("image {}: a Debian image needs both suites and package", e.name));
  if (debian && e.sha256) fail(file, t.source(), fmt::format("image {}: sha256 is for url images; apt checks .debs", e.name));
  return e;
}

}  // namespace

const CatalogEntry* Catalog::find(std::string_view name) const {
  const auto it = std::ranges::find(entries, name, &CatalogEntry::name);
  return it == entries.end() ? nullptr : &*it;
}

const CatalogEntry& Catalog::at(std::string_view name) const {
  if (const CatalogEntry* e = find(name)) return *e;
  std::vector<std::string> names;
  for (const CatalogEntry& e : entries) names.push_back(e.name);
  throw UsageError(fmt::format("kernel {}: not in the catalog {}; known: {}", name, file, fmt::join(names, ", ")));
}

Catalog parse_catalog(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    fail(file, e.source(), e.description());
  }
  Catalog catalog{file, {}};
  for (const auto& [key, node] : root)
    if (key.str() != "image") fail(file, key.source(), fmt::format("unknown key '{}' (expected [[image]] tables)", key.str()));
  const toml::node* images = root.get("image");
  if (!images || !images->is_array_of_tables()) fail(file, root.source(), "no [[image]] tables");
  for (const toml::node& t : *images->as_array()) {
    CatalogEntry e = parse_entry(*t.as_table(), file);
    if (catalog.find(e.name))
      fail(file, t.source(), fmt::format("image {} is listed twice (line {})", e.name, catalog.find(e.name)->line));
    catalog.entries.push_back(std::move(e));
  }
  return catalog;
}

Catalog load_catalog(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw UsageError(fmt::format("{}: cannot read the image catalog", file.string()));
  return parse_catalog(std::string(std::istreambuf_iterator<char>(in), {}), file.string());
}

std::filesystem::path default_catalog_path() {
  if (const char* env = std::getenv("KMATRIX_CATALOG"); env && *env) return env;
  return KMATRIX_CATALOG_PATH;
}

}  // namespace kmx::image
