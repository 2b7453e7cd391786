// What the cache knows about one kernel image (its image.json): identity,
// where it came from, and the metadata reports and predictions read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace kmx::image {

struct ImageRecord {
  std::string sha256;          // content address: of the .deb/.rpm, or of the bzImage when imported bare
  std::string name;            // catalog name it was fetched as; empty if imported
  std::string distro;          // "debian", "centos", "rhel", "unknown"
  std::string source;          // package and version, URL, or imported path
  std::string release;         // `uname -r`: "6.1.0-56-amd64"
  std::string version;         // "6.1.0"
  std::string version_string;  // the bzImage header's
  std::string oom_family;      // "legacy", "1000-scale", "page-scale"
  std::string bzimage;         // relative to the entry: "boot/vmlinuz-6.1.0-56-amd64"
  std::string modules_dir;     // relative, or empty: "lib/modules/6.1.0-56-amd64"
  std::string config;          // relative, or empty: "boot/config-6.1.0-56-amd64"
  std::uint64_t size = 0;      // bytes on disk
};

nlohmann::json to_json(const ImageRecord& r);
ImageRecord record_from_json(const nlohmann::json& j);  // UsageError if fields are missing

// Describes an unpacked kernel tree (boot/vmlinuz-<release>, optional
// boot/config-<release> and [usr/]lib/modules/<release>). UsageError if the
// tree holds no kernel, or more than one. `what` names the package in it.
ImageRecord describe_tree(const std::filesystem::path& dir, const std::string& what);

// A guess from the release's suffix ("el7" -> rhel, "-amd64" -> debian), for imports.
std::string distro_of_release(std::string_view release);

}  // namespace kmx::image
