#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <map>

#include "image/initramfs.h"
#include "test_image_helpers.h"
#include "util/error.h"

namespace kmx::image {
namespace {

namespace fs = std::filesystem;
using testing::fake_module;
using testing::ScratchDir;
using testing::write_file;

struct Entry {
  mode_t mode;
  dev_t rdev;
  std::string bytes;
};

struct Contents {
  int format = 0;
  int filter = 0;
  std::map<std::string, Entry> entries;
};

Contents read_cpio(const fs::path& image) {
  Contents c;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  EXPECT_EQ(archive_read_open_filename(a, image.c_str(), 1 << 16), ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    Entry& entry = c.entries[archive_entry_pathname(e)];
    entry.mode = archive_entry_mode(e);
    entry.rdev = archive_entry_rdev(e);
    char buf[4096];
    for (la_ssize_t n; (n = archive_read_data(a, buf, sizeof buf)) > 0;) entry.bytes.append(buf, static_cast<size_t>(n));
  }
  c.format = archive_format(a);
  c.filter = archive_filter_code(a, 0);
  archive_read_free(a);
  return c;
}

struct Inputs {
  ScratchDir scratch{"initramfs"};
  std::string agent = "\x7f" "ELF pretend static agent";
  std::string brd = fake_module({"name=brd"});
  InitramfsSpec spec{scratch / "agent", {{"brd", scratch / "mods/brd.ko"}}};
  Inputs() {
    write_file(spec.agent, agent);
    write_file(spec.modules[0].file, brd);
  }
};

TEST(Initramfs, HoldsTheAgentModulesAndDeviceNodes) {
  Inputs in;
  const fs::path image = build_initramfs(in.spec, in.scratch / "cache");
  EXPECT_EQ(image.parent_path(), in.scratch / "cache/initramfs");
  EXPECT_EQ(image.extension(), ".gz");

  const Contents c = read_cpio(image);
  EXPECT_EQ(c.format, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);  // newc, the kernel's format
  EXPECT_EQ(c.filter, ARCHIVE_FILTER_GZIP);
  ASSERT_TRUE(c.entries.contains("init"));
  EXPECT_EQ(c.entries.at("init").mode, S_IFREG | 0755);
  EXPECT_EQ(c.entries.at("init").bytes, in.agent);
  ASSERT_TRUE(c.entries.contains("lib/kmatrix/brd.ko"));
  EXPECT_EQ(c.entries.at("lib/kmatrix/brd.ko").bytes, in.brd);
  for (const char* d : {"dev", "proc", "sys", "lib", "lib/kmatrix"}) {
    ASSERT_TRUE(c.entries.contains(d)) << d;
    EXPECT_EQ(c.entries.at(d).mode, S_IFDIR | 0755) << d;
  }
  const std::map<std::string, dev_t> nodes = {{"dev/console", makedev(5, 1)},
                                               {"dev/ttyS0", makedev(4, 64)},
                                               {"dev/ttyS1", makedev(4, 65)},
                                               {"dev/null", makedev(1, 3)}};
  for (const auto& [path, rdev] : nodes) {
    ASSERT_TRUE(c.entries.contains(path)) << path;
    EXPECT_TRUE(S_ISCHR(c.entries.at(path).mode)) << path;
    EXPECT_EQ(c.entries.at(path).rdev, rdev) << path;
  }
  EXPECT_EQ(c.entries.size(), 11u);  // nothing else
}

TEST(Initramfs, CompressedModulesAreStoredDecompressed) {
  Inputs in;
  const std::string elf = fake_module({"name=zram"});
  const std::string gz = testing::compress(elf, archive_write_add_filter_gzip);
  write_file(in.scratch / "mods/zram.ko.gz", gz);
  in.spec.modules.push_back({"zram", in.scratch / "mods/zram.ko.gz"});

  const Contents c = read_cpio(build_initramfs(in.spec, in.scratch / "cache"));
  ASSERT_TRUE(c.entries.contains("lib/kmatrix/zram.ko"));
  EXPECT_EQ(c.entries.at("lib/kmatrix/zram.ko").bytes, elf);
}

TEST(Initramfs, SameContentIsReusedOtherContentIsNot) {
  Inputs in;
  const fs::path first = build_initramfs(in.spec, in.scratch / "cache");
  const auto written = fs::last_write_time(first);
  struct stat before {};
  ::stat(first.c_str(), &before);

  EXPECT_EQ(build_initramfs(in.spec, in.scratch / "cache"), first);
  struct stat after {};
  ::stat(first.c_str(), &after);
  EXPECT_EQ(after.st_ino, before.st_ino);  // not rewritten: a rewrite renames a new inode in
  EXPECT_EQ(fs::last_write_time(first), written);

  write_file(in.spec.agent, in.agent + "v2");
  const fs::path second = build_initramfs(in.spec, in.scratch / "cache");
  EXPECT_NE(second, first);
  EXPECT_EQ(read_cpio(second).entries.at("init").bytes, in.agent + "v2");
  for (const auto& e : fs::directory_iterator(in.scratch / "cache/initramfs"))
    EXPECT_EQ(e.path().extension(), ".gz") << "left a temporary file: " << e.path();
}

TEST(Initramfs, AMissingAgentIsAHostError) {
  Inputs in;
  fs::remove(in.spec.agent);
  EXPECT_THROW(build_initramfs(in.spec, in.scratch / "cache"), HostError);
}

}  // namespace
}  // namespace kmx::image
