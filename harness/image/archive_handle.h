// Owning handles for libarchive objects and their error text.
#pragma once

#include <archive.h>

#include <memory>
#include <string>

namespace kmx::image {

using ArchiveReader = std::unique_ptr<archive, decltype(&archive_read_free)>;
using ArchiveWriter = std::unique_ptr<archive, decltype(&archive_write_free)>;

inline ArchiveReader new_archive_reader() { return {archive_read_new(), &archive_read_free}; }
inline ArchiveWriter new_archive_writer() { return {archive_write_new(), &archive_write_free}; }
inline ArchiveWriter new_disk_writer() { return {archive_write_disk_new(), &archive_write_free}; }

// archive_error_string may be null; fmt must never see that.
inline std::string archive_error(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown libarchive error";
}

}  // namespace kmx::image
