#include "image/kernel_package.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "util/atomic_file.h"
#include "util/sha256.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

// Names, sizes and mtimes of everything apt's candidate choice depends on.
std::string apt_state_fingerprint() {
  util::Sha256 h;
  for (const fs::path dir : {"/var/lib/apt/lists", "/etc/apt/preferences.d", "/etc/apt/sources.list.d"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::error_code stat_ec;
      if (!e.is_regular_file(stat_ec)) continue;
      h.update(fmt::format("{}\t{}\t{}\n", e.path().string(), e.file_size(stat_ec),
                           e.last_write_time(stat_ec).time_since_epoch().count()));
    }
  }
  for (const fs::path file : {"/etc/apt/preferences", "/etc/apt/sources.list"}) {
    std::error_code ec;
    h.update(fmt::format("{}\t{}\n", file.string(), fs::last_write_time(file, ec).time_since_epoch().count()));
  }
  return h.hex_digest();
}

}  // namespace

AptPackage current_kernel_package(const std::string& metapackage, const fs::path& memo) {
  const std::string fingerprint = apt_state_fingerprint();
  AptPackage p;
  std::string remembered_fingerprint, remembered_meta;
  std::ifstream in(memo);
  if (in >> remembered_fingerprint >> remembered_meta >> p.name >> p.version >> p.sha256 &&
      remembered_fingerprint == fingerprint && remembered_meta == metapackage)
    return p;

  p = apt_candidate(apt_dependency(metapackage, "linux-image-"));
  std::error_code ec;
  fs::create_directories(memo.parent_path(), ec);  // a failure shows in the write below
  util::write_file_atomically(memo, fmt::format("{}\n{}\n{}\n{}\n{}\n", fingerprint, metapackage, p.name, p.version,
                                                p.sha256));
  return p;
}

}  // namespace kmx::image
