#include "vm/unused_volumes.h"

#include <map>

namespace kmx::vm {

namespace {

constexpr std::string_view kPrefix = "kmx-";
constexpr std::string_view kMarker = ".done";

}  // namespace

std::vector<std::string> unused_volumes(const std::vector<PoolVolume>& volumes, const std::set<std::string>& in_use) {
  std::map<std::string, bool> uploads;  // volume name -> whether a kept domain uses it
  std::set<std::string> markers;        // the volume names that have a marker
  for (const PoolVolume& v : volumes) {
    if (!v.name.starts_with(kPrefix)) continue;
    if (v.name.ends_with(kMarker))
      markers.insert(v.name.substr(0, v.name.size() - kMarker.size()));
    else
      uploads[v.name] = in_use.contains(v.path);
  }
  std::vector<std::string> doomed;
  for (const std::string& upload : markers) {
    const auto it = uploads.find(upload);
    if (it == uploads.end() || !it->second) doomed.push_back(upload + std::string(kMarker));
  }
  for (const auto& [name, used] : uploads)
    if (!used) doomed.push_back(name);
  return doomed;
}

}  // namespace kmx::vm
