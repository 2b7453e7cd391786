#include "image/kernel_config.h"

#include <archive_entry.h>
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include "image/archive_handle.h"
#include "util/error.h"

namespace kmx::image {

namespace {

constexpr std::string_view kIkconfigStart = "IKCFG_ST";
constexpr std::string_view kIkconfigEnd = "IKCFG_ED";
constexpr std::string_view kGzipMagic = "\x1f\x8b\x08";

// Boot protocol fields (Documentation/arch/x86/boot.rst), little-endian.
constexpr size_t kSetupSects = 0x1F1;
constexpr size_t kProtocolVersion = 0x206;
constexpr size_t kPayloadOffset = 0x248;
constexpr size_t kPayloadLength = 0x24C;
constexpr unsigned kFirstProtocolWithPayload = 0x0208;

uint32_t le(std::string_view bytes, size_t at, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= uint32_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return v;
}

// Whatever compression `bytes` are in (gzip, xz, lzma, zstd, lz4, bzip2), or
// nullopt if libarchive recognises none. Trailing bytes after the stream are
// ignored, as the kernel appends its size after some formats.
std::optional<std::string> decompress(std::string_view bytes) {
  ArchiveReader a = new_archive_reader();
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &entry) != ARCHIVE_OK || archive_filter_count(a.get()) < 2)
    return std::nullopt;
  std::string out;
  std::array<char, 1 << 16> buf;
  la_ssize_t n;
  while ((n = archive_read_data(a.get(), buf.data(), buf.size())) > 0) out.append(buf.data(), static_cast<size_t>(n));
  if (out.empty()) return std::nullopt;
  return out;  // a stream cut short still yields what it held, which may be enough to find the config
}

std::optional<std::string> ikconfig_in(std::string_view bytes) {
  for (size_t at = bytes.find(kIkconfigStart); at != std::string_view::npos;
       at = bytes.find(kIkconfigStart, at + 1)) {
    std::string_view rest = bytes.substr(at + kIkconfigStart.size());
    if (!rest.starts_with(kGzipMagic)) continue;
    rest = rest.substr(0, rest.find(kIkconfigEnd));
    if (auto config = decompress(rest)) return config;
  }
  return std::nullopt;
}

// The compressed vmlinux inside a bzImage (boot protocol 2.08+).
std::optional<std::string_view> payload_of(std::string_view image) {
  if (image.size() < kPayloadLength + 4 || image.substr(0x202, 4) != "HdrS" ||
      le(image, kProtocolVersion, 2) < kFirstProtocolWithPayload)
    return std::nullopt;
  size_t setup_sects = static_cast<unsigned char>(image[kSetupSects]);
  if (setup_sects == 0) setup_sects = 4;  // the protocol's historical default
  const size_t start = (setup_sects + 1) * 512 + le(image, kPayloadOffset, 4);
  const size_t length = le(image, kPayloadLength, 4);
  if (start > image.size() || image.size() - start < length) return std::nullopt;
  return image.substr(start, length);
}

std::string read_whole_file(const std::filesystem::path& file, const char* what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot read {}", file.string(), what));
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

KernelConfig parse_kernel_config(std::string_view text) {
  KernelConfig config;
  while (!text.empty()) {
    const std::string_view line = text.substr(0, text.find('\n'));
    text.remove_prefix(std::min(text.size(), line.size() + 1));
    const size_t eq = line.find('=');
    if (!line.starts_with("CONFIG_") || eq == std::string_view::npos) continue;
    config.emplace(line.substr(0, eq), line.substr(eq + 1));
  }
  return config;
}

std::optional<std::string> extract_ikconfig(std::string_view image_bytes) {
  if (auto config = ikconfig_in(image_bytes)) return config;
  const auto payload = payload_of(image_bytes);
  if (!payload) return std::nullopt;
  const auto vmlinux = decompress(*payload);
  if (!vmlinux) return std::nullopt;
  return ikconfig_in(*vmlinux);
}

std::optional<ConfigSource> load_kernel_config(const std::filesystem::path& config_file,
                                               const std::filesystem::path& bzimage) {
  if (!config_file.empty())
    return ConfigSource{parse_kernel_config(read_whole_file(config_file, "kernel config")), config_file.string()};
  if (auto text = extract_ikconfig(read_whole_file(bzimage, "kernel image")))
    return ConfigSource{parse_kernel_config(*text), "IKCONFIG in " + bzimage.string()};
  return std::nullopt;
}

}  // namespace kmx::image
