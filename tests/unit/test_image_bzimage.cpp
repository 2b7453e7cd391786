#include <gtest/gtest.h>

#include "image/bzimage.h"
#include "image/kernel.h"
#include "test_image_helpers.h"
#include "util/error.h"
#include "util/sha256.h"

namespace kmx::image {
namespace {

using testing::fake_bzimage;
using testing::ScratchDir;
using testing::write_file;

constexpr const char* kVersion = "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2";

TEST(BzImage, ReadsTheVersionStringFromTheBootHeader) {
  ScratchDir dir("bz-version");
  write_file(dir / "bzImage", fake_bzimage(kVersion));
  EXPECT_EQ(read_bzimage_version(dir / "bzImage"), kVersion);
  EXPECT_EQ(release_of(kVersion), "6.1.0-56-amd64");
}

TEST(BzImage, AFileWithoutHdrSIsNotAKernel) {
  ScratchDir dir("bz-nokernel");
  write_file(dir / "notes.txt", std::string(0x1000, 'x'));
  try {
    read_bzimage_version(dir / "notes.txt");
    FAIL() << "accepted a text file as a kernel";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "notes.txt").string() + ": not a Linux kernel image (no HdrS header)");
  }
}

TEST(BzImage, ShortAndMissingFilesAreUsageErrors) {
  ScratchDir dir("bz-short");
  write_file(dir / "short", "HdrS");
  EXPECT_THROW(read_bzimage_version(dir / "short"), UsageError);
  EXPECT_THROW(read_bzimage_version(dir / "absent"), UsageError);
}

TEST(BzImage, AHeaderWithoutVersionPointerIsAUsageError) {
  ScratchDir dir("bz-noptr");
  std::string image = fake_bzimage(kVersion);
  image[0x20E] = image[0x20F] = '\0';
  write_file(dir / "bzImage", image);
  EXPECT_THROW(read_bzimage_version(dir / "bzImage"), UsageError);
}

TEST(ResolveKernel, APathIsDescribedFromItsHeader) {
  ScratchDir dir("kernel-path");
  write_file(dir / "bzImage", fake_bzimage(kVersion));
  std::filesystem::create_directories(dir / "modules");
  const Kernel k = resolve_kernel((dir / "bzImage").string(), dir / "modules", dir / "cache");
  EXPECT_EQ(k.bzimage, dir / "bzImage");
  EXPECT_EQ(k.modules_dir, dir / "modules");
  EXPECT_EQ(k.release, "6.1.0-56-amd64");
  EXPECT_EQ(k.version_string, kVersion);
  EXPECT_EQ(k.sha256, util::sha256_hex(fake_bzimage(kVersion)));
  EXPECT_FALSE(std::filesystem::exists(dir / "cache"));  // a path needs no cache
}

TEST(ResolveKernel, BadInputIsAUsageError) {
  ScratchDir dir("kernel-bad");
  write_file(dir / "bzImage", fake_bzimage(kVersion));
  EXPECT_THROW(resolve_kernel((dir / "absent").string(), {}, dir / "cache"), UsageError);
  EXPECT_THROW(resolve_kernel((dir / "bzImage").string(), dir / "no-modules", dir / "cache"), UsageError);
  try {
    resolve_kernel("debian:sid", {}, dir / "cache");
    FAIL() << "accepted an unknown distribution kernel";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("known: debian:bullseye, debian:bookworm"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("centos:6.5"), std::string::npos) << e.what();
  }
}

TEST(DefaultCacheDir, FollowsXdgThenHome) {
  const char* old_xdg = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old_xdg ? old_xdg : "";
  ::setenv("XDG_CACHE_HOME", "/x/cache", 1);
  EXPECT_EQ(default_cache_dir(), "/x/cache/kmatrix");
  ::unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(default_cache_dir(), std::filesystem::path(std::getenv("HOME")) / ".cache/kmatrix");
  if (old_xdg) ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

}  // namespace
}  // namespace kmx::image
