#include "image/module_file.h"

#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "image/archive_handle.h"
#include "util/error.h"

namespace kmx::image {

std::optional<std::string> module_name_of(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  for (const std::string_view suffix : {".ko", ".ko.xz", ".ko.zst", ".ko.gz"})
    if (name.size() > suffix.size() && name.ends_with(suffix)) return name.substr(0, name.size() - suffix.size());
  return std::nullopt;
}

std::string canonical_module_name(std::string name) {
  std::ranges::replace(name, '-', '_');
  return name;
}

std::string read_module_file(const std::filesystem::path& file) {
  // The raw format with every filter reads plain and compressed files alike.
  ArchiveReader a = new_archive_reader();
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &entry) != ARCHIVE_OK)
    throw UsageError(fmt::format("{}: cannot read kernel module: {}", file.string(), archive_error(a.get())));
  std::string bytes;
  std::array<char, 1 << 16> buf;
  la_ssize_t n;
  while ((n = archive_read_data(a.get(), buf.data(), buf.size())) > 0) bytes.append(buf.data(), static_cast<size_t>(n));
  if (n < 0) throw UsageError(fmt::format("{}: cannot read kernel module: {}", file.string(), archive_error(a.get())));
  return bytes;
}

}  // namespace kmx::image
