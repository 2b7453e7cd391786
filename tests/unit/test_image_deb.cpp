#include <gtest/gtest.h>

#include "image/package_unpack.h"
#include "test_image_helpers.h"
#include "util/complete_directory.h"
#include "util/error.h"
#include "util/subprocess.h"

namespace kmx::image {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::ScratchDir;
using testing::write_file;

// A tiny kernel-shaped package, built the way Debian builds them.
fs::path build_deb(const ScratchDir& scratch) {
  const fs::path root = scratch / "pkg";
  write_file(root / "DEBIAN/control",
             "Package: linux-image-test\nVersion: 1.0\nArchitecture: amd64\nMaintainer: t <t@example.org>\n"
             "Description: test kernel\n");
  write_file(root / "boot/vmlinuz-1.2.3-test", "kernel bytes");
  write_file(root / "boot/config-1.2.3-test", "CONFIG_BLK_DEV_RAM=m\n");
  write_file(root / "boot/System.map-1.2.3-test", "ffffffff81000000 T _text\n");
  write_file(root / "lib/modules/1.2.3-test/kernel/drivers/block/brd.ko", "module bytes");
  write_file(root / "usr/share/doc/linux-image-test/changelog", "docs");
  const fs::path deb = scratch / "linux-image-test_1.0_amd64.deb";
  const util::CommandResult r =
      util::run_command("dpkg-deb", {"--root-owner-group", "--build", root.string(), deb.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return deb;
}

bool kernel_files(std::string_view p) {
  return p.starts_with("boot/vmlinuz-") || p.starts_with("boot/config-") || p.starts_with("lib/modules/");
}

TEST(DebUnpack, ExtractsOnlyTheKeptFiles) {
  ScratchDir scratch("deb");
  const fs::path deb = build_deb(scratch);
  const fs::path out = scratch / "out";
  fs::create_directories(out);
  unpack_deb(deb, out, kernel_files);
  EXPECT_EQ(read_file(out / "boot/vmlinuz-1.2.3-test"), "kernel bytes");
  EXPECT_EQ(read_file(out / "boot/config-1.2.3-test"), "CONFIG_BLK_DEV_RAM=m\n");
  EXPECT_EQ(read_file(out / "lib/modules/1.2.3-test/kernel/drivers/block/brd.ko"), "module bytes");
  EXPECT_FALSE(fs::exists(out / "boot/System.map-1.2.3-test"));
  EXPECT_FALSE(fs::exists(out / "usr"));
  EXPECT_FALSE(fs::exists(out / "DEBIAN"));
}

TEST(DebUnpack, ANonPackageIsAUsageError) {
  ScratchDir scratch("deb-bad");
  write_file(scratch / "x.deb", "!<arch>\nnot really\n");
  EXPECT_THROW(unpack_deb(scratch / "x.deb", scratch.path(), kernel_files), UsageError);
  write_file(scratch / "y.deb", "plain text");
  EXPECT_THROW(unpack_deb(scratch / "y.deb", scratch.path(), kernel_files), UsageError);
}

// The kernels cache: a fill that fails leaves nothing that looks complete,
// and a complete entry is never filled again.
TEST(CompleteDirectory, FailedFillLeavesNothingAndDoneIsNotRedone) {
  ScratchDir scratch("complete");
  const fs::path entry = scratch / "kernels/abc";
  EXPECT_THROW(util::create_directory_once(entry,
                                           [](const fs::path& staging) {
                                             write_file(staging / "boot/vmlinuz-1", "half");
                                             throw HostError("network went away");
                                           }),
               HostError);
  EXPECT_FALSE(fs::exists(entry));
  for (const auto& e : fs::directory_iterator(scratch / "kernels"))
    EXPECT_EQ(e.path().filename(), "abc.lock") << "left behind: " << e.path();

  int fills = 0;
  auto fill = [&](const fs::path& staging) {
    ++fills;
    write_file(staging / "boot/vmlinuz-1", "whole");
  };
  util::create_directory_once(entry, fill);
  util::create_directory_once(entry, fill);
  EXPECT_EQ(fills, 1);
  EXPECT_EQ(read_file(entry / "boot/vmlinuz-1"), "whole");
}

}  // namespace
}  // namespace kmx::image
