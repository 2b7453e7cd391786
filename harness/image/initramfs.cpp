#include "image/initramfs.h"

#include <archive_entry.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <iterator>
#include <memory>

#include "image/archive_handle.h"
#include "image/module_file.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/sha256.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

// Bump when the layout below changes, so cached images are rebuilt.
constexpr std::string_view kLayoutVersion = "kmatrix-initramfs-1";

struct File {
  std::string path;   // inside the image, no leading slash as the kernel expects
  std::string bytes;
  mode_t mode;
};

struct Node {
  const char* path;
  mode_t mode;
  unsigned major, minor;
};

// Kernels without devtmpfs, or that mount it only after /init starts, still
// need a console and the serial ports the agent talks over.
constexpr Node kNodes[] = {
    {"dev/console", S_IFCHR | 0600, 5, 1},
    {"dev/ttyS0", S_IFCHR | 0660, 4, 64},
    {"dev/ttyS1", S_IFCHR | 0660, 4, 65},
    {"dev/null", S_IFCHR | 0666, 1, 3},
};
constexpr const char* kDirs[] = {"dev", "proc", "sys", "lib", "lib/kmatrix"};

std::string read_agent(const fs::path& agent) {
  std::ifstream in(agent, std::ios::binary);
  if (!in) throw HostError(fmt::format("{}: guest agent binary missing (is kmatrix built?)", agent.string()));
  return {std::istreambuf_iterator<char>(in), {}};
}

// Length-prefixed, so that moving bytes between neighbouring files changes the key.
void hash_file(util::Sha256& h, const File& f) {
  h.update(fmt::format("{}\n{:o}\n{}\n", f.path, f.mode, f.bytes.size()));
  h.update(f.bytes);
}

class CpioWriter {
 public:
  CpioWriter() : a_(new_archive_writer()), entry_(archive_entry_new(), &archive_entry_free) {
    archive_write_set_format_cpio_newc(a_.get());
    archive_write_add_filter_gzip(a_.get());
    archive_write_set_bytes_in_last_block(a_.get(), 1);  // no padding to 10 KiB blocks
    if (archive_write_open(a_.get(), &out_, nullptr, &CpioWriter::append, nullptr) != ARCHIVE_OK) fail("opening");
  }

  void add(const char* path, mode_t mode, std::string_view bytes = {}, dev_t rdev = 0) {
    archive_entry_clear(entry_.get());
    archive_entry_set_pathname(entry_.get(), path);
    archive_entry_set_mode(entry_.get(), mode);
    archive_entry_set_ino(entry_.get(), ++ino_);  // distinct, so no entry looks like a hard link
    archive_entry_set_nlink(entry_.get(), S_ISDIR(mode) ? 2 : 1);
    archive_entry_set_rdev(entry_.get(), rdev);
    archive_entry_set_size(entry_.get(), static_cast<la_int64_t>(bytes.size()));
    if (archive_write_header(a_.get(), entry_.get()) != ARCHIVE_OK) fail(path);
    if (!bytes.empty() && archive_write_data(a_.get(), bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()))
      fail(path);
  }

  std::string finish() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) fail("finishing");
    return std::move(out_);
  }

 private:
  static la_ssize_t append(archive*, void* out, const void* buf, size_t n) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }
  [[noreturn]] void fail(const std::string& what) {
    throw HostError(fmt::format("writing initramfs ({}): {}", what, archive_error(a_.get())));
  }

  std::string out_;
  ArchiveWriter a_;
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry_;
  la_int64_t ino_ = 0;
};

}  // namespace

fs::path build_initramfs(const InitramfsSpec& spec, const fs::path& cache_dir) {
  std::vector<File> files{{"init", read_agent(spec.agent), S_IFREG | 0755}};
  for (const Module& m : spec.modules)
    files.push_back({fmt::format("lib/kmatrix/{}.ko", m.name), read_module_file(m.file), S_IFREG | 0644});

  util::Sha256 h;
  h.update(kLayoutVersion);
  for (const File& f : files) hash_file(h, f);
  const fs::path dir = cache_dir / "initramfs";
  const fs::path image = dir / (h.hex_digest() + ".cpio.gz");
  if (fs::exists(image)) return image;

  CpioWriter cpio;
  for (const char* d : kDirs) cpio.add(d, S_IFDIR | 0755);
  for (const Node& n : kNodes) cpio.add(n.path, n.mode, {}, makedev(n.major, n.minor));
  for (const File& f : files) cpio.add(f.path.c_str(), f.mode, f.bytes);

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw HostError(fmt::format("creating {}: {}", dir.string(), ec.message()));
  util::write_file_atomically(image, cpio.finish());
  return image;
}

}  // namespace kmx::image
