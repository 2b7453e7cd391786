#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "image/modinfo.h"
#include "image/module_file.h"
#include "image/modules.h"
#include "test_image_helpers.h"
#include "util/error.h"

namespace kmx::image {
namespace {

namespace fs = std::filesystem;
using testing::fake_module;
using testing::ScratchDir;
using testing::write_file;

// xz-compressed bytes, as distributions ship .ko.xz.
std::string xz(const std::string& bytes) { return testing::compress(bytes, archive_write_add_filter_xz); }

std::vector<std::string> names(const std::vector<Module>& modules) {
  std::vector<std::string> n;
  for (const Module& m : modules) n.push_back(m.name);
  return n;
}

// A Debian-like tree: no modules.dep, dependencies only in .modinfo.
struct ModulesTree {
  ScratchDir scratch{"modules"};
  fs::path dir = scratch / "6.1.0-test";
  ModulesTree() {
    write_file(dir / "kernel/fs/foo.ko", fake_module({"license=GPL", "depends=bar,baz-x", "name=foo"}));
    write_file(dir / "kernel/lib/bar.ko", fake_module({"depends=", "name=bar"}));
    write_file(dir / "kernel/lib/baz_x.ko.xz", xz(fake_module({"depends=bar", "name=baz_x"})));
    write_file(dir / "kernel/drivers/block/brd.ko", fake_module({"depends=", "name=brd"}));
    write_file(dir / "modules.builtin", "kernel/mm/zswap.ko\nkernel/fs/ext4/ext4.ko\n");
  }
};

TEST(ModuleClosure, DependenciesFromModinfoComeFirstAndOnce) {
  ModulesTree t;
  const std::vector<Module> closure = module_closure(t.dir, {"foo", "brd"});
  EXPECT_EQ(names(closure), (std::vector<std::string>{"bar", "baz_x", "foo", "brd"}));
  EXPECT_EQ(closure[1].file, t.dir / "kernel/lib/baz_x.ko.xz");
}

TEST(ModuleClosure, BuiltInModulesNeedNothing) {
  ModulesTree t;
  EXPECT_TRUE(module_closure(t.dir, {"zswap", "ext4"}).empty());
}

TEST(ModuleNames, FilesAndBuiltInApart) {
  ModulesTree t;
  const ModuleNames n = module_names(t.dir);
  EXPECT_EQ(n.files, (std::set<std::string>{"bar", "baz_x", "brd", "foo"}));
  EXPECT_EQ(n.builtin, (std::set<std::string>{"ext4", "zswap"}));
}

TEST(ModuleClosure, AMissingModuleNamesItselfAndTheKernel) {
  ModulesTree t;
  try {
    module_closure(t.dir, {"brd", "zram"});
    FAIL() << "a missing module was accepted";
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("zram"), std::string::npos) << msg;
    EXPECT_NE(msg.find("6.1.0-test"), std::string::npos) << msg;
  }
}

TEST(ModuleClosure, AMissingDependencySaysWhoNeedsIt) {
  ModulesTree t;
  fs::remove(t.dir / "kernel/lib/bar.ko");
  try {
    module_closure(t.dir, {"foo"});
    FAIL() << "a missing dependency was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("bar (needed by"), std::string::npos) << e.what();
  }
}

TEST(ModuleClosure, ModulesDepWinsOverModinfo) {
  ModulesTree t;
  // modules.dep says foo needs only brd: the .modinfo "bar,baz-x" must not be read.
  write_file(t.dir / "modules.dep", "kernel/fs/foo.ko: kernel/drivers/block/brd.ko\nkernel/drivers/block/brd.ko:\n");
  EXPECT_EQ(names(module_closure(t.dir, {"foo"})), (std::vector<std::string>{"brd", "foo"}));
  EXPECT_THROW(module_closure(t.dir, {"bar"}), UsageError);  // not in modules.dep, so not there
}

TEST(ModuleClosure, NoModulesNeedNoModulesDir) {
  EXPECT_TRUE(module_closure({}, {}).empty());
  EXPECT_THROW(module_closure({}, {"brd"}), UsageError);
  EXPECT_THROW(module_closure("/nonexistent/modules", {"brd"}), UsageError);
}

TEST(Modinfo, ReadsDependsAndRejectsNonModules) {
  EXPECT_EQ(module_depends(fake_module({"alias=x", "depends=a,b-c", "vermagic=6.1"}), "m"),
            (std::vector<std::string>{"a", "b-c"}));
  EXPECT_TRUE(module_depends(fake_module({"depends="}), "m").empty());
  EXPECT_EQ(modinfo_values(fake_module({"alias=x", "alias=y"}), "alias", "m"), (std::vector<std::string>{"x", "y"}));
  EXPECT_THROW(module_depends("not an elf file at all, but long enough to hold an ELF header......", "m"), UsageError);
  std::string truncated = fake_module({"depends=a"});
  truncated.resize(truncated.size() - 10);  // cuts into the section headers
  EXPECT_THROW(module_depends(truncated, "m"), UsageError);
}

TEST(ModuleFile, NamesAndDecompression) {
  EXPECT_EQ(module_name_of("x/brd.ko"), "brd");
  EXPECT_EQ(module_name_of("x/baz-x.ko.zst"), "baz-x");
  EXPECT_EQ(module_name_of("x/modules.dep"), std::nullopt);
  EXPECT_EQ(canonical_module_name("baz-x"), "baz_x");
  ScratchDir dir("modfile");
  const std::string elf = fake_module({"depends="});
  write_file(dir / "m.ko.xz", xz(elf));
  EXPECT_EQ(read_module_file(dir / "m.ko.xz"), elf);
}

}  // namespace
}  // namespace kmx::image
