#include <gtest/gtest.h>

#include "runner/guest_cmdline.h"

namespace kmx::runner {
namespace {

matrix::Cell cell_with_swap(std::uint64_t swap) {
  matrix::Cell cell;
  cell.guest.swap = swap;
  cell.guest.cmdline = "vdso=0";
  return cell;
}

TEST(GuestCmdline, ConsoleOnFirstSerialAndCellExtrasLast) {
  const std::string line = guest_cmdline(cell_with_swap(0), false);
  EXPECT_EQ(line, "console=ttyS0,115200 swapaccount=1 sysrq_always_enabled=1 mitigations=off no_timer_check vdso=0");
}

TEST(GuestCmdline, ABuiltInBrdIsSizedToTheCellsSwap) {
  EXPECT_EQ(guest_cmdline(cell_with_swap(64ull << 20), true),
            "console=ttyS0,115200 swapaccount=1 sysrq_always_enabled=1 mitigations=off no_timer_check "
            "brd.rd_nr=1 brd.rd_size=65536 ramdisk_size=65536 vdso=0");
}

TEST(GuestCmdline, NoBrdSizesForAModuleOrWithoutSwap) {
  // A module gets rd_size from the cell message (cell_message.h).
  EXPECT_EQ(guest_cmdline(cell_with_swap(64ull << 20), false).find("rd_size"), std::string::npos);
  EXPECT_EQ(guest_cmdline(cell_with_swap(0), true).find("rd_size"), std::string::npos);
}

}  // namespace
}  // namespace kmx::runner
