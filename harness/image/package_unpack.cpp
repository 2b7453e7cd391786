#include "image/package_unpack.h"

#include <archive_entry.h>
#include <fmt/format.h>

#include <array>
#include <fstream>
#include <string>

#include "image/archive_handle.h"
#include "util/error.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

// The data.tar.* member is read straight out of the ar archive, so the
// (70 MB for a kernel) member is never held in memory or on disk.
struct MemberSource {
  archive* ar;
  std::array<char, 1 << 16> buf;

  static la_ssize_t read(archive*, void* self, const void** out) {
    auto* s = static_cast<MemberSource*>(self);
    *out = s->buf.data();
    return archive_read_data(s->ar, s->buf.data(), s->buf.size());
  }
};

std::string relative_path(std::string_view p) {
  while (p.starts_with("./")) p.remove_prefix(2);
  while (p.starts_with("/")) p.remove_prefix(1);
  return std::string(p);
}

// Copies the kept entries of an open archive under `dest`.
void extract(archive* src, const fs::path& package, const fs::path& dest,
             const std::function<bool(std::string_view)>& keep) {
  // No ARCHIVE_EXTRACT_SECURE_SYMLINKS: it also refuses symlinks above
  // `dest` (a symlinked ~/.cache). Entries are rebased under `dest` and ".."
  // is refused, and the packages come checksummed.
  ArchiveWriter disk = new_disk_writer();
  archive_write_disk_set_options(disk.get(),
                                 ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(src, &entry)) == ARCHIVE_OK) {
    const std::string path = relative_path(archive_entry_pathname(entry));
    if (path.empty() || !keep(path)) continue;
    archive_entry_set_pathname(entry, (dest / path).c_str());
    if (const char* target = archive_entry_hardlink(entry))
      archive_entry_set_hardlink(entry, (dest / relative_path(target)).c_str());
    if (archive_read_extract2(src, entry, disk.get()) != ARCHIVE_OK) {
      if (archive_errno(disk.get()) != 0)
        throw HostError(fmt::format("{}: extracting {}: {}", package.string(), path, archive_error(disk.get())));
      // Otherwise reading failed: a truncated or corrupt payload.
      throw UsageError(fmt::format("{}: corrupt package, reading {}: {}", package.string(), path, archive_error(src)));
    }
  }
  if (rc != ARCHIVE_EOF)
    throw UsageError(fmt::format("{}: corrupt package: {}", package.string(), archive_error(src)));
  if (archive_write_close(disk.get()) != ARCHIVE_OK)
    throw HostError(fmt::format("{}: extracting: {}", package.string(), archive_error(disk.get())));
}

void extract_data_tar(archive* ar, const fs::path& deb, const fs::path& dest,
                      const std::function<bool(std::string_view)>& keep) {
  MemberSource source{ar, {}};
  ArchiveReader tar = new_archive_reader();
  archive_read_support_filter_all(tar.get());
  archive_read_support_format_tar(tar.get());
  if (archive_read_open(tar.get(), &source, nullptr, &MemberSource::read, nullptr) != ARCHIVE_OK)
    throw UsageError(fmt::format("{}: bad data archive: {}", deb.string(), archive_error(tar.get())));
  extract(tar.get(), deb, dest, keep);
}

}  // namespace

void unpack_deb(const fs::path& deb, const fs::path& dest, const std::function<bool(std::string_view)>& keep) {
  ArchiveReader ar = new_archive_reader();
  archive_read_support_format_ar(ar.get());
  if (archive_read_open_filename(ar.get(), deb.c_str(), 1 << 16) != ARCHIVE_OK)
    throw UsageError(fmt::format("{}: not a Debian package: {}", deb.string(), archive_error(ar.get())));
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(ar.get(), &entry)) == ARCHIVE_OK) {
    if (std::string_view(archive_entry_pathname(entry)).starts_with("data.tar")) {
      extract_data_tar(ar.get(), deb, dest, keep);
      return;
    }
  }
  throw UsageError(fmt::format("{}: not a Debian package (no data.tar member{}{})", deb.string(),
                               rc == ARCHIVE_EOF ? "" : ": ", rc == ARCHIVE_EOF ? "" : archive_error(ar.get())));
}

void unpack_rpm(const fs::path& rpm, const fs::path& dest, const std::function<bool(std::string_view)>& keep) {
  if (package_kind(rpm) != PackageKind::rpm) throw UsageError(fmt::format("{}: not an RPM package", rpm.string()));
  // The rpm filter skips the lead and headers; the payload's compression
  // (gzip, xz, zstd) is another filter, and the payload is cpio.
  ArchiveReader a = new_archive_reader();
  archive_read_support_filter_all(a.get());
  archive_read_support_format_cpio(a.get());
  if (archive_read_open_filename(a.get(), rpm.c_str(), 1 << 16) != ARCHIVE_OK)
    throw UsageError(fmt::format("{}: corrupt RPM package: {}", rpm.string(), archive_error(a.get())));
  extract(a.get(), rpm, dest, keep);
}

PackageKind package_kind(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string magic(21, '\0');
  in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
  magic.resize(static_cast<size_t>(in.gcount()));
  if (magic == "!<arch>\ndebian-binary") return PackageKind::deb;
  if (magic.starts_with("\xed\xab\xee\xdb")) return PackageKind::rpm;
  return PackageKind::none;
}

}  // namespace kmx::image
