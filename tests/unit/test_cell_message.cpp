#include <gtest/gtest.h>

#include "agent/cell_message.h"

namespace kmx::agent {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> all(const Fields& f, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : f)
    if (k == key) out.push_back(v);
  return out;
}

matrix::Cell swap_cell() {
  matrix::Cell cell;
  cell.workload = {.procs = 40, .size = 8ull << 20, .hold_ms = 3000, .uid = 1000, .fork_pacing_ms = 25};
  cell.container = {.cgroup = "v1", .limit = 96ull << 20, .memsw_limit = 128ull << 20,
                    .oom_kill_disable = true, .pid_namespace = true};
  cell.guest.swap = 64ull << 20;
  cell.guest.sysctl = {{"vm.panic_on_oom", "1"}};
  return cell;
}

TEST(CellMessage, CarriesEveryWorkloadAndContainerParameter) {
  const Fields f = cell_fields(swap_cell(), {});
  EXPECT_EQ(all(f, "procs"), std::vector<std::string>{"40"});
  EXPECT_EQ(all(f, "size"), std::vector<std::string>{"8388608"});
  EXPECT_EQ(all(f, "hold_ms"), std::vector<std::string>{"3000"});
  EXPECT_EQ(all(f, "uid"), std::vector<std::string>{"1000"});
  EXPECT_EQ(all(f, "fork_pacing_ms"), std::vector<std::string>{"25"});
  EXPECT_EQ(all(f, "limit"), std::vector<std::string>{"100663296"});
  EXPECT_EQ(all(f, "memsw"), std::vector<std::string>{"134217728"});
  EXPECT_EQ(all(f, "oom_kill_disable"), std::vector<std::string>{"1"});
  EXPECT_EQ(all(f, "pidns"), std::vector<std::string>{"1"});
  EXPECT_EQ(all(f, "sysctl"), std::vector<std::string>{"vm.panic_on_oom:1"});
}

TEST(CellMessage, SwapUsesABrdDiskSizedToTheCell) {
  const matrix::Cell cell = swap_cell();
  EXPECT_EQ(modules_needed(cell), std::vector<std::string>{"brd"});
  const Fields f = cell_fields(cell, {{"brd", "/m/brd.ko"}});
  EXPECT_EQ(all(f, "swap"), std::vector<std::string>{"67108864"});
  EXPECT_EQ(all(f, "swap_dev"), std::vector<std::string>{"/dev/ram0"});
  EXPECT_EQ(all(f, "mod"), std::vector<std::string>{"brd.ko:rd_nr=1 rd_size=65536"});
}

TEST(CellMessage, NoSwapNoModules) {
  matrix::Cell cell = swap_cell();
  cell.guest.swap = 0;
  EXPECT_TRUE(modules_needed(cell).empty());
  EXPECT_TRUE(all(cell_fields(cell, {}), "swap_dev").empty());
}

}  // namespace
}  // namespace kmx::agent
