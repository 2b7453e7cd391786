// apt with kmatrix's own sources list, package lists and download cache
// (under the image cache), so fetching any Debian suite's kernel leaves the
// host's apt state untouched. The mirror URIs are the host's own.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kmx::image {

struct AptPackage {
  std::string name;
  std::string version;
  std::string sha256;  // of the .deb, from the package index
};

class PrivateApt {
 public:
  // `dir` holds the sources, lists and caches; `sources` is the deb822 text
  // of the sources list (see private_sources()).
  PrivateApt(std::filesystem::path dir, const std::string& sources);

  // apt-get update: the only step besides download() that needs the network.
  void update() const;

  // The first dependency of `meta` whose name starts with `prefix`, e.g.
  // linux-image-amd64 -> linux-image-6.1.0-56-amd64.
  std::string dependency(const std::string& meta, const std::string& prefix) const;

  // The version apt would install now.
  AptPackage candidate(const std::string& name) const;

  // Downloads exactly that version into `dir` and checks it against the
  // index checksum; returns the .deb's path.
  std::filesystem::path download(const AptPackage& package, const std::filesystem::path& dir) const;

 private:
  std::string run(const std::string& program, std::vector<std::string> args, const std::filesystem::path& cwd = {}) const;

  std::filesystem::path dir_;
};

}  // namespace kmx::image
