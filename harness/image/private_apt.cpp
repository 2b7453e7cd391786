#include "image/private_apt.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <sstream>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/subprocess.h"

namespace kmx::image {

namespace fs = std::filesystem;

PrivateApt::PrivateApt(fs::path dir, const std::string& sources) : dir_(std::move(dir)) {
  std::error_code ec;
  for (const char* sub : {"sources.list.d", "preferences.d", "lists/partial", "archives/partial", "cache"})
    fs::create_directories(dir_ / sub, ec);
  if (ec) throw HostError(fmt::format("creating {}: {}", dir_.string(), ec.message()));
  util::write_file_atomically(dir_ / "sources.list.d" / "kmatrix.sources", sources);
  if (!fs::exists(dir_ / "status")) util::write_file_atomically(dir_ / "status", "");
}

std::string PrivateApt::run(const std::string& program, std::vector<std::string> args, const fs::path& cwd) const {
  // Every path apt reads or writes state from is ours; the host's
  // apt.conf.d (proxies) and trusted keys still apply.
  std::vector<std::string> options = {
      "Dir::Etc::SourceList=" + (dir_ / "sources.list").string(),  // absent: only sources.list.d counts
      "Dir::Etc::SourceParts=" + (dir_ / "sources.list.d").string(),
      "Dir::Etc::Preferences=" + (dir_ / "preferences").string(),
      "Dir::Etc::PreferencesParts=" + (dir_ / "preferences.d").string(),
      "Dir::State::Lists=" + (dir_ / "lists").string(),
      "Dir::State::status=" + (dir_ / "status").string(),
      "Dir::Cache=" + (dir_ / "cache").string(),
      "Dir::Cache::archives=" + (dir_ / "archives").string(),
      "Acquire::Languages=none",
      "APT::Architectures=amd64",
  };
  // As root apt downloads as the _apt user, who cannot write our 0755 dirs.
  if (::geteuid() == 0) options.emplace_back("APT::Sandbox::User=root");
  std::vector<std::string> full;
  for (const std::string& o : options) full.insert(full.end(), {"-o", o});
  full.insert(full.end(), args.begin(), args.end());
  const util::CommandResult r = util::run_command(program, full, cwd);
  if (r.exit_code != 0)
    throw HostError(fmt::format("{} {} failed (exit {}): {}", program, fmt::join(args, " "), r.exit_code, r.err));
  // apt-get update exits 0 even when a source could not be fetched.
  if (program == "apt-get" && args.front() == "update" && r.err.find("W: Failed to fetch") != std::string::npos)
    throw HostError(fmt::format("apt-get update (sources in {}): {}", dir_.string(), r.err));
  return r.out;
}

void PrivateApt::update() const { run("apt-get", {"update", "-q"}); }

std::string PrivateApt::dependency(const std::string& meta, const std::string& prefix) const {
  // Lines look like "  Depends: linux-image-6.1.0-56-amd64" (or "|Depends:" for alternatives).
  std::istringstream out(run("apt-cache", {"depends", meta}));
  for (std::string line; std::getline(out, line);) {
    std::istringstream words(line);
    std::string field, name;
    words >> field >> name;
    if ((field == "Depends:" || field == "|Depends:") && name.starts_with(prefix)) return name;
  }
  throw HostError(fmt::format("apt-cache depends {}: no dependency named {}* in {}", meta, prefix, dir_.string()));
}

AptPackage PrivateApt::candidate(const std::string& name) const {
  AptPackage p;
  p.name = name;
  std::istringstream out(run("apt-cache", {"show", "--no-all-versions", name}));
  for (std::string line; std::getline(out, line);) {
    if (line.starts_with("Version: ")) p.version = line.substr(9);
    if (line.starts_with("SHA256: ")) p.sha256 = line.substr(8);
  }
  if (p.version.empty() || p.sha256.size() != 64)
    throw HostError(fmt::format("apt-cache show {}: no version with a SHA256 checksum", name));
  return p;
}

fs::path PrivateApt::download(const AptPackage& package, const fs::path& dir) const {
  run("apt-get", {"download", "-q", fmt::format("{}={}", package.name, package.version)}, dir);
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
