#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "image/catalog.h"
#include "matrix/cell_filter.h"
#include "matrix/kernel_name.h"
#include "util/error.h"

namespace kmx::matrix {
namespace {

Cell make(std::string kernel, int uid, int procs, uint64_t size, std::string cgroup = "v1") {
  Cell c;
  c.name = "c";
  c.run.kernel = std::move(kernel);
  c.workload.uid = uid;
  c.workload.procs = procs;
  c.workload.size = size;
  c.container.cgroup = std::move(cgroup);
  return c;
}

bool pass(std::string_view expression, const Cell& cell) { return CellFilter::parse(expression).matches(cell); }

std::string error(std::string_view expression) {
  try {
    CellFilter::parse(expression);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed: " << expression;
  return "";
}

TEST(KernelName, VersionsAndShortForms) {
  EXPECT_EQ(kernel_version("debian:bookworm"), "6.1");
  EXPECT_EQ(kernel_version("debian:bullseye"), "5.10");
  EXPECT_EQ(kernel_version("debian:trixie"), "6.12");
  EXPECT_EQ(kernel_version("/boot/vmlinuz-6.1.0-13-amd64"), "6.1.0");
  EXPECT_EQ(kernel_version("/k/v2.6.32/bzImage"), "");  // only the file name counts
  EXPECT_EQ(kernel_version("debian:forky"), "");
  EXPECT_EQ(kernel_short("debian:forky"), "forky");
  EXPECT_EQ(kernel_short("/k/bzImage"), "bzImage");
}

// Matrix names and filters know each catalog kernel's series: a catalog entry
// added without one would name its cells "k6.5-..." for CentOS 6.5's 2.6.32.
TEST(KernelName, EveryCatalogKernelHasItsSeries) {
  EXPECT_EQ(kernel_version("centos:6.5"), "2.6.32");
  EXPECT_EQ(kernel_short("centos:7.9"), "3.10");
  for (const image::CatalogEntry& e : image::load_catalog(image::default_catalog_path()).entries)
    if (!e.name.ends_with("-backports")) EXPECT_NE(kernel_version(e.name), "") << e.name;
}

TEST(KernelName, MatchesAtADot) {
  EXPECT_TRUE(kernel_matches("debian:bookworm", "6.1"));
  EXPECT_TRUE(kernel_matches("debian:bookworm", "6"));
  EXPECT_TRUE(kernel_matches("debian:bookworm", "bookworm"));
  EXPECT_TRUE(kernel_matches("debian:bookworm", "debian:bookworm"));
  EXPECT_FALSE(kernel_matches("debian:trixie", "6.1"));
  EXPECT_TRUE(kernel_matches("debian:trixie", "6.12"));
  EXPECT_TRUE(kernel_matches("/boot/vmlinuz-6.1.0-13-amd64", "6.1"));
  EXPECT_FALSE(kernel_matches("/boot/vmlinuz-6.1.0-13-amd64", "6.1.1"));
  EXPECT_FALSE(kernel_matches("debian:bookworm", ""));
}

TEST(CellFilter, TheIssuesExample) {
  const CellFilter f = CellFilter::parse("kernel=6.1 user=root procs>=80");
  EXPECT_TRUE(f.matches(make("debian:bookworm", 0, 80, 4 << 20)));
  EXPECT_TRUE(f.matches(make("debian:bookworm", 0, 1280, 4 << 20)));
  EXPECT_FALSE(f.matches(make("debian:bookworm", 0, 79, 4 << 20)));
  EXPECT_FALSE(f.matches(make("debian:bookworm", 1000, 80, 4 << 20)));
  EXPECT_FALSE(f.matches(make("debian:trixie", 0, 80, 4 << 20)));
  ASSERT_EQ(f.terms().size(), 3u);
  EXPECT_EQ(f.terms()[1].key, "workload.user");
  EXPECT_EQ(f.terms()[2].key, "workload.procs");
}

TEST(CellFilter, UnitsCompareAsNumbers) {
  const Cell c = make("debian:bookworm", 1000, 8, 256 << 10);
  EXPECT_TRUE(pass("size<1M", c));
  EXPECT_TRUE(pass("size=262144", c));
  EXPECT_TRUE(pass("workload.size>=256K", c));
  EXPECT_FALSE(pass("size>256K", c));
  EXPECT_TRUE(pass("hold=2s", c));
  EXPECT_TRUE(pass("hold<=2000ms", c));
  EXPECT_TRUE(pass("limit=128M swap=0", c));
  EXPECT_TRUE(pass("user=nonroot user!=root user>=1000", c));
  EXPECT_TRUE(pass("oom_kill_disable=false", c));
}

TEST(CellFilter, TextNameIdExpectAndSysctls) {
  Cell c = make("debian:bookworm", 0, 8, 4 << 20, "v2");
  c.expect = "oom-killed";
  c.guest.sysctl["vm.panic_on_oom"] = "1";
  EXPECT_TRUE(pass("cgroup=v2", c));
  EXPECT_FALSE(pass("container.cgroup!=v2", c));
  EXPECT_TRUE(pass("name=c expect=oom-killed", c));
  EXPECT_TRUE(pass("id=" + cell_id(c), c));
  EXPECT_TRUE(pass("vm.panic_on_oom=1", c));
  EXPECT_TRUE(pass("guest.sysctl.vm.panic_on_oom=1", c));
  EXPECT_FALSE(pass("vm.overcommit_memory=1", c));
}

TEST(CellFilter, KernelVersionsOrder) {
  EXPECT_TRUE(pass("kernel>=6.1", make("debian:trixie", 0, 8, 1)));
  EXPECT_TRUE(pass("kernel>=6.1", make("debian:bookworm", 0, 8, 1)));
  EXPECT_FALSE(pass("kernel>6.1", make("debian:bookworm", 0, 8, 1)));
  EXPECT_TRUE(pass("kernel<6", make("debian:bullseye", 0, 8, 1)));
  EXPECT_TRUE(pass("kernel<=6.1", make("/boot/vmlinuz-6.1.0", 0, 8, 1)));
  EXPECT_FALSE(pass("kernel<7", make("/boot/bzImage", 0, 8, 1)));  // version unknown
  EXPECT_TRUE(pass("kernel!=6.1", make("debian:trixie", 0, 8, 1)));
}

TEST(CellFilter, FiltersAList) {
  const std::vector<Cell> cells = {make("debian:bookworm", 0, 8, 1), make("debian:trixie", 0, 80, 1),
                                   make("debian:bookworm", 0, 80, 1)};
  const auto kept = filter_cells(cells, CellFilter::parse("  procs>8\tkernel=bookworm "));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].workload.procs, 80);
  EXPECT_EQ(kept[0].run.kernel, "debian:bookworm");
}

TEST(CellFilter, ErrorsGiveTheColumn) {
  EXPECT_EQ(error(""), "--filter: column 1: empty expression; give terms such as kernel=6.1 procs>=80");
  EXPECT_EQ(error("kernel=6.1 procs"), "--filter: column 12: 'procs' is not key=value (operators: = != < <= > >=)");
  EXPECT_EQ(error("procs>=x"), "--filter: column 8: procs: 'x' is not a whole number");
  EXPECT_EQ(error("size<12Q"), "--filter: column 6: size: '12Q' is not a size such as 8M");
  EXPECT_EQ(error("hold=90"), "--filter: column 6: hold: '90' is not a duration such as 90s");
  EXPECT_EQ(error("user=admin"), "--filter: column 6: user: 'admin' is not root, nonroot or a uid");
  EXPECT_EQ(error("oom_kill_disable=yes"),
            "--filter: column 18: oom_kill_disable: 'yes' is not true or false");
  EXPECT_EQ(error("procs=1 proc=8"), "--filter: column 9: unknown key 'proc': did you mean 'procs'?");
  EXPECT_EQ(error("workload.proc=8"), "--filter: column 1: unknown key 'workload.proc': did you mean 'workload.procs'?");
  EXPECT_EQ(error("cgroup>v1"), "--filter: column 7: cgroup is text: only = and != apply");
  EXPECT_EQ(error("name<=a"), "--filter: column 5: name is text: only = and != apply");
  EXPECT_EQ(error("kernel>=bookworm"),
            "--filter: column 9: kernel: 'bookworm' is not a version such as 6.1 (needed by >=)");
  EXPECT_EQ(error("procs="), "--filter: column 7: procs: no value after the operator");
  EXPECT_EQ(error("=8"), "--filter: column 1: '=8' has no key before its operator");
  EXPECT_EQ(error("procs!8"), "--filter: column 6: '!' must be followed by '='");
  EXPECT_EQ(error("procs=<8"), "--filter: column 7: procs: '<8' holds a second operator");
}

}  // namespace
}  // namespace kmx::matrix
