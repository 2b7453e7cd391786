#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "matrix/cell_table.h"

namespace kmx::matrix {
namespace {

std::vector<Cell> cells() {
  Cell a;
  a.name = "fits";
  a.expect = "completed";
  Cell b = a;
  b.name = "exceeds";
  b.expect = "";
  b.workload.procs = 40;
  b.workload.size = 8 << 20;
  b.guest.sysctl["vm.panic_on_oom"] = "1";
  Cell c = b;
  c.name = "exceeds-v2";
  c.container.cgroup = "v2";
  c.run.kernel = "debian:trixie";
  return {a, b, c};
}

TEST(CellTable, IdNameKernelAndWhatVaries) {
  const std::vector<Cell> cs = cells();
  const std::string expected =
      "ID                NAME        KERNEL           cgroup  procs  size  vm.panic_on_oom  EXPECT\n" +
      cell_id(cs[0]) + "  fits        debian:bookworm  v1      8      4M    -                completed\n" +
      cell_id(cs[1]) + "  exceeds     debian:bookworm  v1      40     8M    1                -\n" +
      cell_id(cs[2]) + "  exceeds-v2  debian:trixie    v2      40     8M    1                -\n";
  EXPECT_EQ(format_cell_table(cs), expected);
}

TEST(CellTable, OneCellHasNoVaryingColumns) {
  const Cell c;
  EXPECT_EQ(format_cell_table({c}), "ID                NAME  KERNEL\n" + cell_id(c) + "        debian:bookworm\n");
}

TEST(CellTable, AxesSummary) {
  EXPECT_EQ(format_axes(cells()),
            "PARAMETER                     VALUES (CELLS)\n"
            "run.kernel                    debian:bookworm (2), debian:trixie (1)\n"
            "container.cgroup              v1 (2), v2 (1)\n"
            "workload.procs                8 (1), 40 (2)\n"
            "workload.size                 4M (1), 8M (2)\n"
            "guest.sysctl.vm.panic_on_oom  - (1), 1 (2)\n"
            "3 cells\n");
  EXPECT_EQ(format_axes({Cell{}}), "no parameter varies\n1 cell\n");
}

}  // namespace
}  // namespace kmx::matrix
