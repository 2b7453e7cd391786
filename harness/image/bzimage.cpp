#include "image/bzimage.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <fstream>

#include "util/error.h"

namespace kmx::image {

namespace {

// Offsets from Documentation/arch/x86/boot.rst.
constexpr std::streamoff kHeaderMagicOffset = 0x202;  // "HdrS"
constexpr std::streamoff kKernelVersionOffset = 0x20E;  // u16, string at value + 0x200
constexpr std::streamoff kKernelVersionBase = 0x200;
constexpr size_t kMaxVersionLength = 512;

}  // namespace

std::string read_bzimage_version(const std::filesystem::path& bzimage) {
  const std::string name = bzimage.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(bzimage, ec)) throw UsageError(fmt::format("{}: no such kernel image file", name));
  std::ifstream in(bzimage, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot open kernel image", name));

  std::array<char, 4> magic{};
  in.seekg(kHeaderMagicOffset);
  if (!in.read(magic.data(), magic.size()) || std::string_view(magic.data(), 4) != "HdrS")
    throw UsageError(fmt::format("{}: not a Linux kernel image (no HdrS header)", name));

  std::array<unsigned char, 2> ptr{};
  in.seekg(kKernelVersionOffset);
  in.read(reinterpret_cast<char*>(ptr.data()), ptr.size());
  const unsigned pointer = ptr[0] | (ptr[1] << 8);  // little-endian
  if (!in || pointer == 0) throw UsageError(fmt::format("{}: kernel image has no version string", name));

  in.seekg(kKernelVersionBase + pointer);
  std::string version(kMaxVersionLength, '\0');
  in.read(version.data(), static_cast<std::streamsize>(version.size()));
  version.resize(static_cast<size_t>(in.gcount()));
  const size_t end = version.find('\0');
  if (end == std::string::npos || end == 0)
    throw UsageError(fmt::format("{}: kernel image version string is missing or unterminated", name));
  version.resize(end);
  return version;
}

std::string release_of(std::string_view version_string) {
  return std::string(version_string.substr(0, version_string.find(' ')));
}

}  // namespace kmx::image
