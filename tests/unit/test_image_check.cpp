#include <archive.h>
#include <gtest/gtest.h>

#include "image/kernel.h"
#include "image/kernel_check.h"
#include "image/kernel_config.h"
#include "test_image_helpers.h"
#include "util/error.h"

namespace kmx::image {
namespace {

using testing::compress;
using testing::ikconfig_blob;
using testing::ScratchDir;
using testing::write_file;

// What every kernel kmatrix boots has, in the option names of 3.6 and later.
const std::string kBase =
    "CONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_CONSOLE=y\nCONFIG_DEVTMPFS=y\nCONFIG_BLK_DEV_INITRD=y\n"
    "CONFIG_PID_NS=y\nCONFIG_SWAP=y\n";

std::map<std::string, CheckItem> by_what(const KernelCheck& c) {
  std::map<std::string, CheckItem> m;
  for (const CheckItem& i : c.items) m.emplace(i.what, i);
  return m;
}

KernelCheck check(const std::string& config, KernelVersion v, std::set<std::string> modules = {},
                  CellNeeds needs = CellNeeds::defaults()) {
  return check_kernel(parse_kernel_config(config), v, {.files = modules}, needs);
}

TEST(KernelConfig, ParsesSetOptionsOnly) {
  const KernelConfig c = parse_kernel_config(
      "#\n# Automatically generated file\nCONFIG_MEMCG=y\n# CONFIG_MEMCG_V1 is not set\nCONFIG_BLK_DEV_RAM=m\n"
      "CONFIG_LOCALVERSION=\"-test\"\nCONFIG_BLK_DEV_RAM_COUNT=16\n");
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(c.at("CONFIG_MEMCG"), "y");
  EXPECT_EQ(c.at("CONFIG_BLK_DEV_RAM"), "m");
  EXPECT_EQ(c.at("CONFIG_LOCALVERSION"), "\"-test\"");
  EXPECT_FALSE(c.contains("CONFIG_MEMCG_V1"));
}

TEST(KernelCheck, Debian11Passes) {
  const KernelCheck c = check(kBase + "CONFIG_MEMCG=y\nCONFIG_MEMCG_SWAP=y\nCONFIG_BLK_DEV_RAM=m\n", {5, 10, 0}, {"brd"});
  EXPECT_TRUE(c.can_run()) << c.missing_summary();
  EXPECT_EQ(by_what(c).at("swap accounting").detail, "CONFIG_SWAP=y + CONFIG_MEMCG_SWAP=y");
  EXPECT_EQ(by_what(c).at("driver brd").detail, "module in image");
}

TEST(KernelCheck, SwapAccountingIsPartOfMemcgFrom61) {
  EXPECT_TRUE(check(kBase + "CONFIG_MEMCG=y\nCONFIG_BLK_DEV_RAM=y\n", {6, 1, 0}).can_run());
  const KernelCheck old = check(kBase + "CONFIG_MEMCG=y\nCONFIG_BLK_DEV_RAM=y\n", {5, 10, 0});
  EXPECT_FALSE(old.can_run());
  EXPECT_EQ(old.missing_summary(), "swap accounting missing (needs CONFIG_SWAP=y + CONFIG_MEMCG_SWAP=y)");
}

TEST(KernelCheck, CentOs6UsesTheOldOptionNames) {
  const KernelCheck c = check(kBase + "CONFIG_CGROUP_MEM_RES_CTLR=y\nCONFIG_CGROUP_MEM_RES_CTLR_SWAP=y\n"
                                      "CONFIG_BLK_DEV_RAM=y\n",
                              {2, 6, 32});
  EXPECT_TRUE(c.can_run()) << c.missing_summary();
  EXPECT_EQ(by_what(c).at("memory cgroup").detail, "CONFIG_CGROUP_MEM_RES_CTLR=y");
  EXPECT_EQ(by_what(c).at("driver brd").detail, "built in (CONFIG_BLK_DEV_RAM=y)");
  // cgroup2 does not exist yet; the default cells do not need it.
  EXPECT_EQ(by_what(c).at("cgroup v2 memory controller").status, CheckStatus::not_needed);
  CellNeeds v2 = CellNeeds::defaults();
  v2.cgroup_v2 = true;
  EXPECT_EQ(check(kBase + "CONFIG_CGROUP_MEM_RES_CTLR=y\nCONFIG_CGROUP_MEM_RES_CTLR_SWAP=y\nCONFIG_BLK_DEV_RAM=y\n",
                  {2, 6, 32}, {}, v2)
                .missing_summary(),
            "cgroup v2 memory controller missing (not available in Linux 2.6.32)");
}

TEST(KernelCheck, CgroupV1IsOptionalFrom611) {
  const std::string trixie = kBase + "CONFIG_MEMCG=y\nCONFIG_BLK_DEV_RAM=m\n";
  const KernelCheck v1 = check(trixie, {6, 12, 0}, {"brd"});
  EXPECT_FALSE(v1.can_run());
  EXPECT_EQ(v1.missing_summary(), "cgroup v1 memory controller missing (needs CONFIG_MEMCG=y + CONFIG_MEMCG_V1=y)");
  CellNeeds v2 = CellNeeds::defaults();
  v2.cgroup_v1 = false;
  v2.cgroup_v2 = true;
  EXPECT_TRUE(check(trixie, {6, 12, 0}, {"brd"}, v2).can_run());
  EXPECT_TRUE(check(trixie + "CONFIG_MEMCG_V1=y\n", {6, 12, 0}, {"brd"}).can_run());
}

TEST(KernelCheck, NoMemoryCgroupCannotRun) {
  const KernelCheck c = check(kBase + "CONFIG_BLK_DEV_RAM=y\n", {3, 10, 0});
  EXPECT_FALSE(c.can_run());
  EXPECT_EQ(by_what(c).at("memory cgroup").detail, "needs CONFIG_MEMCG=y or CONFIG_CGROUP_MEM_RES_CTLR=y");
  EXPECT_NE(c.missing_summary().find("memory cgroup missing"), std::string::npos);
}

TEST(KernelCheck, EachBaseRequirementIsChecked) {
  const std::string full = kBase + "CONFIG_MEMCG=y\nCONFIG_BLK_DEV_RAM=y\n";
  for (const char* option : {"CONFIG_SERIAL_8250_CONSOLE", "CONFIG_DEVTMPFS", "CONFIG_BLK_DEV_INITRD", "CONFIG_PID_NS"}) {
    std::string config = full;
    config.erase(config.find(option), std::string(option).size() + 3);
    EXPECT_FALSE(check(config, {6, 1, 0}).can_run()) << option;
  }
}

TEST(KernelCheck, HowEachDriverIsPresent) {
  const std::string base = kBase + "CONFIG_MEMCG=y\n";
  EXPECT_EQ(by_what(check(base + "CONFIG_BLK_DEV_RAM=m\n", {6, 1, 0}, {})).at("driver brd").detail,
            "CONFIG_BLK_DEV_RAM=m but the image has no brd module");
  EXPECT_EQ(by_what(check(base, {6, 1, 0}, {})).at("driver brd").detail, "CONFIG_BLK_DEV_RAM is not set");
  EXPECT_EQ(by_what(check(base, {6, 1, 0}, {"brd"})).at("driver brd").status, CheckStatus::ok);
}

TEST(KernelCheck, BuiltInDriversAreSetApart) {
  const std::string base = kBase + "CONFIG_MEMCG=y\n";
  const KernelCheck y = check(base + "CONFIG_BLK_DEV_RAM=y\n", {6, 1, 0});
  EXPECT_EQ(y.built_in, std::set<std::string>{"brd"});
  EXPECT_TRUE(check(base + "CONFIG_BLK_DEV_RAM=m\n", {6, 1, 0}, {"brd"}).built_in.empty());
  // modules.builtin says so too, also without a config (2.6.32 kernels have one).
  const KernelCheck listed = check_kernel(std::nullopt, {2, 6, 32}, {.files = {}, .builtin = {"brd"}}, CellNeeds::defaults());
  EXPECT_EQ(listed.built_in, std::set<std::string>{"brd"});
  EXPECT_EQ(by_what(listed).at("driver brd").status, CheckStatus::ok);
  EXPECT_EQ(by_what(listed).at("driver brd").detail, "built in (modules.builtin)");
  // Only the drivers the cells load are looked at.
  CellNeeds no_swap = CellNeeds::defaults();
  no_swap.modules.clear();
  EXPECT_TRUE(check(base + "CONFIG_BLK_DEV_RAM=y\n", {6, 1, 0}, {}, no_swap).built_in.empty());
}

TEST(KernelCheck, WithoutConfigOnlyModulesAreKnown) {
  const KernelCheck c = check_kernel(std::nullopt, {6, 1, 0}, {}, CellNeeds::defaults());
  EXPECT_FALSE(c.config_known);
  EXPECT_TRUE(c.can_run());
  EXPECT_EQ(by_what(c).at("memory cgroup").status, CheckStatus::unknown);
  EXPECT_EQ(by_what(c).at("driver brd").status, CheckStatus::unknown);
}

TEST(Ikconfig, FoundInTheCompressedPayload) {
  const std::string config = "CONFIG_MEMCG=y\nCONFIG_IKCONFIG=y\n";
  const std::string image = testing::fake_bzimage_with_payload(
      "6.1.0-test (x@y) #1", compress(ikconfig_blob(config), archive_write_add_filter_xz));
  EXPECT_EQ(extract_ikconfig(image), config);
  const std::string gz = testing::fake_bzimage_with_payload(
      "6.1.0-test (x@y) #1", compress(ikconfig_blob(config), archive_write_add_filter_gzip));
  EXPECT_EQ(extract_ikconfig(gz), config);
}

TEST(Ikconfig, FoundInAnUncompressedImageAndAbsentOtherwise) {
  EXPECT_EQ(extract_ikconfig("junk" + ikconfig_blob("CONFIG_X=y\n")), "CONFIG_X=y\n");
  EXPECT_EQ(extract_ikconfig(testing::fake_bzimage_with_payload(
                "6.1.0 (x@y)", compress("no config in this vmlinux", archive_write_add_filter_xz))),
            std::nullopt);
  EXPECT_EQ(extract_ikconfig(testing::fake_bzimage("6.1.0 (x@y)")), std::nullopt);
  EXPECT_EQ(extract_ikconfig("IKCFG_ST but no gzip after it"), std::nullopt);
}

TEST(RequireRunnable, AKernelWithoutMemcgFailsWithTheReason) {
  ScratchDir dir("check-run");
  write_file(dir / "bzImage", testing::fake_bzimage("3.10.0-test (x@y) #1"));
  write_file(dir / "config", kBase + "CONFIG_BLK_DEV_RAM=y\n");
  Kernel k = resolve_kernel((dir / "bzImage").string(), {}, dir / "cache");
  k.config = dir / "config";
  try {
    require_runnable(k, CellNeeds::defaults());
    FAIL() << "accepted a kernel without memory cgroup";
  } catch (const UsageError& e) {
    EXPECT_EQ(e.what(), "kernel " + (dir / "bzImage").string() +
                            " (3.10.0-test) cannot run these cells: memory cgroup missing (needs CONFIG_MEMCG=y or "
                            "CONFIG_CGROUP_MEM_RES_CTLR=y); cgroup v1 memory controller missing (needs CONFIG_MEMCG=y); "
                            "swap accounting missing (needs CONFIG_SWAP=y + CONFIG_MEMCG_SWAP=y)");
  }
  write_file(dir / "config", kBase + "CONFIG_MEMCG=y\nCONFIG_MEMCG_SWAP=y\nCONFIG_BLK_DEV_RAM=y\n");
  EXPECT_NO_THROW(require_runnable(k, CellNeeds::defaults()));
  // No config at all (nor IKCONFIG): allowed, with a warning.
  k.config.clear();
  EXPECT_NO_THROW(require_runnable(k, CellNeeds::defaults()));
}

}  // namespace
}  // namespace kmx::image
