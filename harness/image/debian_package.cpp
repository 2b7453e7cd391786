#include "image/debian_package.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sstream>

#include "util/error.h"
#include "util/sha256.h"
#include "util/subprocess.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

std::string apt(const std::string& program, const std::vector<std::string>& args, const fs::path& cwd = {}) {
  const util::CommandResult r = util::run_command(program, args, cwd);
  if (r.exit_code != 0)
    throw HostError(fmt::format("{} {} failed (exit {}): {}", program, fmt::join(args, " "), r.exit_code, r.err));
  return r.out;
}

}  // namespace

std::string apt_dependency(const std::string& meta, const std::string& prefix) {
  // Lines look like "  Depends: linux-image-6.1.0-56-amd64" (or "|Depends:" for alternatives).
  std::istringstream out(apt("apt-cache", {"depends", meta}));
  for (std::string line; std::getline(out, line);) {
    std::istringstream words(line);
    std::string field, name;
    words >> field >> name;
    if ((field == "Depends:" || field == "|Depends:") && name.starts_with(prefix)) return name;
  }
  throw HostError(fmt::format("apt-cache depends {}: no dependency named {}* (is apt's package list current?)", meta, prefix));
}

AptPackage apt_candidate(const std::string& name) {
  AptPackage p;
  p.name = name;
  std::istringstream out(apt("apt-cache", {"show", "--no-all-versions", name}));
  for (std::string line; std::getline(out, line);) {
    if (line.starts_with("Version: ")) p.version = line.substr(9);
    if (line.starts_with("SHA256: ")) p.sha256 = line.substr(8);
  }
  if (p.version.empty() || p.sha256.size() != 64)
    throw HostError(fmt::format("apt-cache show {}: no version with a SHA256 checksum", name));
  return p;
}

fs::path apt_download(const AptPackage& package, const fs::path& dir) {
  apt("apt-get", {"download", "-q", fmt::format("{}={}", package.name, package.version)}, dir);
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".deb" || !e.path().filename().string().starts_with(package.name + "_")) continue;
    const std::string actual = util::sha256_file(e.path());
    if (actual != package.sha256)
      throw HostError(fmt::format("{}: SHA256 {} does not match the package index ({})", e.path().string(), actual,
                                  package.sha256));
    return e.path();
  }
  throw HostError(fmt::format("apt-get download {} left no .deb in {}", package.name, dir.string()));
}

}  // namespace kmx::image
