// Preparing a kernel for its cells: a swap driver built in is not loaded but
// sized on the command line (guest_cmdline.h); a module is loaded.
#include <archive.h>
#include <gtest/gtest.h>

#include "runner/prepared_kernel.h"
#include "test_image_helpers.h"

namespace kmx::runner {
namespace {

namespace fs = std::filesystem;
using image::testing::ScratchDir;
using image::testing::write_file;

// CentOS 6's option names; BLK_DEV_RAM as given.
std::string el6_config(const std::string& brd) {
  return "CONFIG_CGROUP_MEM_RES_CTLR=y\nCONFIG_CGROUP_MEM_RES_CTLR_SWAP=y\nCONFIG_SWAP=y\nCONFIG_PID_NS=y\n"
         "CONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_CONSOLE=y\nCONFIG_DEVTMPFS=y\nCONFIG_BLK_DEV_INITRD=y\n"
         "CONFIG_BLK_DEV_RAM=" + brd + "\n";
}

// A bare bzImage whose config is in it (IKCONFIG), as --kernel PATH boots it.
fs::path bzimage_with_config(const ScratchDir& dir, const std::string& config) {
  write_file(dir / "bzImage", image::testing::fake_bzimage_with_payload(
                                  "2.6.32-431.el6.x86_64 (mockbuild@centos) #1 SMP",
                                  image::testing::compress(image::testing::ikconfig_blob(config),
                                                           archive_write_add_filter_gzip)));
  return dir / "bzImage";
}

matrix::Cell swap_cell(const fs::path& kernel, const fs::path& modules_dir = {}) {
  matrix::Cell cell;
  cell.run.kernel = kernel.string();
  cell.run.modules_dir = modules_dir.string();
  cell.container.memsw_limit = 256ull << 20;
  cell.guest.swap = 64ull << 20;
  return cell;
}

TEST(PrepareKernels, ABuiltInBrdNeedsNoModules) {
  ScratchDir dir("prepare-brd-y");
  const matrix::Cell cell = swap_cell(bzimage_with_config(dir, el6_config("y")));
  const auto prepared = prepare_kernels({cell}, dir / "cache");
  const PreparedKernel& p = prepared.at(cell.run.kernel);
  EXPECT_EQ(p.built_in, std::set<std::string>{"brd"});
  EXPECT_TRUE(p.modules.empty());
  EXPECT_TRUE(fs::exists(p.initramfs));
}

TEST(PrepareKernels, ABrdModuleIsLoaded) {
  ScratchDir dir("prepare-brd-m");
  write_file(dir / "modules/kernel/drivers/block/brd.ko", image::testing::fake_module({"depends=", "name=brd"}));
  const matrix::Cell cell = swap_cell(bzimage_with_config(dir, el6_config("m")), dir / "modules");
  const auto prepared = prepare_kernels({cell}, dir / "cache");
  const PreparedKernel& p = prepared.at(cell.run.kernel);
  EXPECT_TRUE(p.built_in.empty());
  ASSERT_EQ(p.modules.size(), 1u);
  EXPECT_EQ(p.modules[0].name, "brd");
}

}  // namespace
}  // namespace kmx::runner
