// Debian packages as this host's apt knows them: which package a
// metapackage stands for, its exact version and checksum, and downloading it.
// Queries use the local package lists only; just the download needs network.
#pragma once

#include <filesystem>
#include <string>

namespace kmx::image {

struct AptPackage {
  std::string name;
  std::string version;
  std::string sha256;  // of the .deb, from the package index
};

// The first dependency of `meta` whose name starts with `prefix`, e.g.
// linux-image-amd64 → linux-image-6.1.0-56-amd64. HostError if apt has none.
std::string apt_dependency(const std::string& meta, const std::string& prefix);

// The version apt would install now.
AptPackage apt_candidate(const std::string& name);

// Downloads exactly that version into `dir` and checks it against the index
// checksum; returns the .deb's path.
std::filesystem::path apt_download(const AptPackage& package, const std::filesystem::path& dir);

}  // namespace kmx::image
