// The agent's check that the swap device holds the cell's swap
// (guest/swap_size.c, compiled into this test).
#include <gtest/gtest.h>

#include <string>

#include "swap_size.h"

namespace {

std::string problem(const char* dev, std::uint64_t dev_bytes, std::uint64_t want_bytes) {
  char msg[160] = "untouched";
  return km_swap_size_check(dev, dev_bytes, want_bytes, msg, sizeof msg) == 0 ? "" : msg;
}

TEST(GuestSwapSize, ABuiltInBrdAtItsDefaultSizeIsNamedWithBothSizes) {
  EXPECT_EQ(problem("/dev/ram0", 16ull << 20, 64ull << 20),
            "swap on /dev/ram0 is 16384 KiB, the cell asks 65536 KiB (brd built in without brd.rd_size=?)");
  EXPECT_EQ(problem("/dev/vdb", 4ull << 20, 8ull << 20), "swap on /dev/vdb is 4096 KiB, the cell asks 8192 KiB");
}

TEST(GuestSwapSize, ADeviceAsLargeOrLargerIsFine) {
  // The header, not the device, says how large the area is.
  EXPECT_EQ(problem("/dev/ram0", 64ull << 20, 64ull << 20), "");
  EXPECT_EQ(problem("/dev/ram0", 128ull << 20, 64ull << 20), "");
}

TEST(GuestSwapSize, ALongMessageIsCutNotOverrun) {
  char msg[16];
  EXPECT_EQ(km_swap_size_check("/dev/ram0", 1 << 20, 2 << 20, msg, sizeof msg), -1);
  EXPECT_EQ(std::string(msg), "swap on /dev/ra");
}

}  // namespace
