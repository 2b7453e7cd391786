// `kmatrix image import`: a CentOS-layout kernel RPM built here with
// rpmbuild, a /boot + /lib/modules pair, a bare bzImage, and bad input.
#include <archive.h>
#include <gtest/gtest.h>

#include "image/image_import.h"
#include "image/kernel.h"
#include "image/modules.h"
#include "test_image_helpers.h"
#include "util/error.h"
#include "util/sha256.h"

namespace kmx::image {
namespace {

namespace fs = std::filesystem;
using testing::fake_bzimage;
using testing::fake_module;
using testing::ScratchDir;
using testing::write_file;

constexpr const char* kRelease = "3.10.0-1160.el7.x86_64";

fs::path centos_rpm(const ScratchDir& dir, const std::string& name = "kernel", bool with_kernel = true) {
  const std::string r = kRelease;
  std::vector<std::pair<std::string, std::string>> files = {
      {"boot/config-" + r, "CONFIG_MEMCG=y\nCONFIG_MEMCG_SWAP=y\nCONFIG_SWAP=y\nCONFIG_BLK_DEV_RAM=m\n"},
      {"boot/System.map-" + r, "ffffffff81000000 T _text\n"},
      {"lib/modules/" + r + "/kernel/drivers/block/brd.ko.xz",
       testing::compress(fake_module({"depends=", "name=brd"}), archive_write_add_filter_xz)},
      {"lib/modules/" + r + "/kernel/lib/libcrc32c.ko.xz",
       testing::compress(fake_module({"depends=", "name=libcrc32c"}), archive_write_add_filter_xz)},
      {"etc/ld.so.conf.d/kernel-" + r + ".conf", "# not kept\n"}};
  if (with_kernel) files.emplace_back("boot/vmlinuz-" + r, fake_bzimage(r + " (mockbuild@kbuilder) #1 SMP"));
  return testing::build_rpm(dir / "build", name, files);
}

std::vector<std::string> cached(const ScratchDir& dir) { return testing::dir_entries(dir / "cache/images"); }

TEST(ImportRpm, CentOsLayoutBecomesABootableImage) {
  KMX_REQUIRE_RPMBUILD();
  ScratchDir dir("import-rpm");
  const fs::path rpm = centos_rpm(dir);
  ImageStore store(dir / "cache");
  const ImageRecord r = import_image({.path = rpm}, store);
  EXPECT_EQ(r.sha256, util::sha256_file(rpm));
  EXPECT_EQ(r.name, "");
  EXPECT_EQ(r.release, kRelease);
  EXPECT_EQ(r.version, "3.10.0");
  EXPECT_EQ(r.distro, "rhel");
  EXPECT_EQ(r.oom_family, "page-scale");
  EXPECT_EQ(r.bzimage, std::string("boot/vmlinuz-") + kRelease);
  EXPECT_EQ(r.config, std::string("boot/config-") + kRelease);
  EXPECT_EQ(r.modules_dir, std::string("lib/modules/") + kRelease);
  const fs::path entry = store.entry_dir(r.sha256);
  EXPECT_FALSE(fs::exists(entry / "boot" / (std::string("System.map-") + kRelease)));
  EXPECT_FALSE(fs::exists(entry / "etc"));

  // A matrix names it by SHA-256 prefix; its modules load and its config is checked.
  const Kernel k = resolve_kernel(r.sha256.substr(0, 12), {}, dir / "cache");
  EXPECT_EQ(k.release, kRelease);
  const auto modules = module_closure(k.modules_dir, {"brd"});
  ASSERT_EQ(modules.size(), 1u);
  EXPECT_EQ(modules[0].file.filename(), "brd.ko.xz");
  const KernelReport report = check_kernel_image(k, CellNeeds::defaults());
  EXPECT_EQ(report.config_origin, (entry / "boot" / (std::string("config-") + kRelease)).string());
  EXPECT_FALSE(report.check.can_run());  // the synthetic config lacks the console and the rest
  EXPECT_EQ(report.check.missing_summary().find("memory cgroup"), std::string::npos);

  // Importing it again is the same entry.
  EXPECT_EQ(import_image({.path = rpm}, store).sha256, r.sha256);
  EXPECT_EQ(cached(dir).size(), 2u);  // the entry and its lock
}

TEST(ImportRpm, CorruptOrKernelLessPackagesAreRefusedAndLeaveNothing) {
  KMX_REQUIRE_RPMBUILD();
  ScratchDir dir("import-bad-rpm");
  ImageStore store(dir / "cache");
  const std::string whole = testing::read_file(centos_rpm(dir));
  write_file(dir / "cut.rpm", whole.substr(0, whole.size() / 2));
  try {
    import_image({.path = dir / "cut.rpm"}, store);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos) << e.what();
  }
  try {
    import_image({.path = centos_rpm(dir, "nokernel", false)}, store);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("holds no kernel (no /boot/vmlinuz-*)"), std::string::npos) << e.what();
  }
  for (const std::string& name : cached(dir)) EXPECT_TRUE(name.ends_with(".lock")) << name;
}

TEST(ImportBzImage, BootAndModulesBesideEachOther) {
  ScratchDir dir("import-boot");
  const std::string rel = "6.1.0-9-amd64";
  write_file(dir / ("root/boot/vmlinuz-" + rel), fake_bzimage(rel + " (debian) #1"));
  write_file(dir / ("root/boot/config-" + rel), "CONFIG_MEMCG=y\n");
  write_file(dir / ("root/lib/modules/" + rel + "/kernel/brd.ko"), fake_module({"depends="}));
  ImageStore store(dir / "cache");
  const ImageRecord r = import_image({.path = dir / ("root/boot/vmlinuz-" + rel)}, store);
  EXPECT_EQ(r.sha256, util::sha256_hex(fake_bzimage(rel + " (debian) #1")));
  EXPECT_EQ(r.distro, "debian");
  EXPECT_EQ(r.config, "boot/config-" + rel);
  EXPECT_EQ(r.modules_dir, "lib/modules/" + rel);
  EXPECT_TRUE(fs::exists(store.entry_dir(r.sha256) / r.modules_dir / "kernel/brd.ko"));
}

TEST(ImportBzImage, ABareImageWithExplicitParts) {
  ScratchDir dir("import-bare");
  write_file(dir / "bzImage", fake_bzimage("5.4.0-custom (me@host) #1"));
  write_file(dir / "my.config", "CONFIG_MEMCG=y\n");
  ImageStore store(dir / "cache");
  const ImageRecord bare = import_image({.path = dir / "bzImage", .config = dir / "my.config"}, store);
  EXPECT_EQ(bare.release, "5.4.0-custom");
  EXPECT_EQ(bare.distro, "unknown");
  EXPECT_EQ(bare.config, "boot/config-5.4.0-custom");
  EXPECT_EQ(bare.modules_dir, "");
}

TEST(ImportBzImage, NotAKernelIsOneClearError) {
  ScratchDir dir("import-junk");
  write_file(dir / "junk", std::string(8192, 'x'));
  ImageStore store(dir / "cache");
  try {
    import_image({.path = dir / "junk"}, store);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "junk").string() + ": neither a kernel package (.deb, .rpm) nor a bzImage (no Linux boot header)");
  }
  EXPECT_THROW(import_image({.path = dir / "absent"}, store), UsageError);
  EXPECT_FALSE(fs::exists(dir / "cache/images"));
}

}  // namespace
}  // namespace kmx::image
