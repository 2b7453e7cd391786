#include "image/image_record.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "image/bzimage.h"
#include "image/kernel_version.h"
#include "image/oom_family.h"
#include "util/error.h"

namespace kmx::image {

namespace fs = std::filesystem;

nlohmann::json to_json(const ImageRecord& r) {
  return {{"sha256", r.sha256},   {"name", r.name},
          {"distro", r.distro},   {"source", r.source},
          {"release", r.release}, {"version", r.version},
          {"version_string", r.version_string}, {"oom_family", r.oom_family},
          {"bzimage", r.bzimage}, {"modules_dir", r.modules_dir},
          {"config", r.config},   {"size", r.size}};
}

ImageRecord record_from_json(const nlohmann::json& j) {
  try {
    return {j.at("sha256"),  j.at("name"),       j.at("distro"),      j.at("source"),
            j.at("release"), j.at("version"),    j.at("version_string"), j.at("oom_family"),
            j.at("bzimage"), j.at("modules_dir"), j.at("config"),     j.at("size")};
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("image record: {}", e.what()));
  }
}

ImageRecord describe_tree(const fs::path& dir, const std::string& what) {
  std::vector<fs::path> kernels;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "boot", ec))
    if (e.path().filename().string().starts_with("vmlinuz-")) kernels.push_back(e.path());
  if (kernels.empty()) throw UsageError(fmt::format("{}: holds no kernel (no /boot/vmlinuz-*)", what));
  if (kernels.size() > 1) throw UsageError(fmt::format("{}: holds {} kernels; import them one by one", what, kernels.size()));

  ImageRecord r;
  r.version_string = read_bzimage_version(kernels.front());
  r.release = release_of(r.version_string);
  const auto version = parse_kernel_version(r.release);
  if (!version) throw UsageError(fmt::format("{}: kernel release '{}' has no version number", what, r.release));
  r.version = version->str();
  r.oom_family = std::string(to_string(oom_family_of(r.release).family));
  r.bzimage = fs::relative(kernels.front(), dir).string();
  for (const fs::path& modules : {fs::path("lib/modules"), fs::path("usr/lib/modules")})
    if (fs::is_directory(dir / modules / r.release)) r.modules_dir = (modules / r.release).string();
  if (const fs::path config = fs::path("boot") / ("config-" + r.release); fs::exists(dir / config))
    r.config = config.string();
  r.distro = distro_of_release(r.release);
  return r;
}

std::string distro_of_release(std::string_view release) {
  // First match wins; the suffixes distributions put on their releases.
  constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kSuffixes = {{
      {".el", "rhel"},
      {"+deb", "debian"},
      {"-amd64", "debian"},
      {"-generic", "ubuntu"},
  }};
  for (const auto& [marker, distro] : kSuffixes)
    if (release.find(marker) != std::string_view::npos) return std::string(distro);
  return "unknown";
}

}  // namespace kmx::image
