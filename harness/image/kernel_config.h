// A kernel's build configuration (.config text): from the package's
// /boot/config-<release>, a file the user names, or IKCONFIG inside the image.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kmx::image {

// "CONFIG_MEMCG" -> "y" / "m" / "\"string\"" / "16"; options that are
// "# ... is not set" are absent.
using KernelConfig = std::map<std::string, std::string, std::less<>>;

KernelConfig parse_kernel_config(std::string_view text);

// The .config embedded by CONFIG_IKCONFIG: the gzip stream after the
// "IKCFG_ST" marker (what scripts/extract-ikconfig finds), searched in the
// file itself and then in the bzImage's decompressed payload. nullopt if the
// kernel was built without IKCONFIG.
std::optional<std::string> extract_ikconfig(std::string_view image_bytes);

// A kernel's config and where it came from.
struct ConfigSource {
  KernelConfig config;
  std::string origin;  // "/path/config-6.1.0-56-amd64", or "IKCONFIG in /path/vmlinuz"
};

// `config_file` if not empty, else IKCONFIG in `bzimage`; nullopt if neither.
std::optional<ConfigSource> load_kernel_config(const std::filesystem::path& config_file,
                                               const std::filesystem::path& bzimage);

}  // namespace kmx::image
