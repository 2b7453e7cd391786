#include <gtest/gtest.h>

#include "runner/host_admission.h"
#include "util/error.h"

namespace kmx::runner {
namespace {

constexpr uint64_t MiB = 1ull << 20;
constexpr uint64_t GiB = 1ull << 30;
constexpr uint64_t kReserve = 1 * GiB;

std::string error_of(const std::vector<HostOffer>& hosts, const std::vector<GuestNeed>& guests) {
  try {
    admit_hosts(hosts, guests, kReserve);
  } catch (const HostError& e) {
    return e.what();
  }
  return "";
}

TEST(HostAdmission, HostsWithRoomForAGuestAreKept) {
  const Admission a = admit_hosts({{"qemu:///a", 20 * GiB}, {"qemu:///b", 3 * GiB}}, {{"fits", 640 * MiB}}, kReserve);
  EXPECT_EQ(a.hosts, (std::vector<size_t>{0, 1}));
  EXPECT_TRUE(a.warnings.empty());
  // Nothing left to run (a resumed run): no host is judged.
  EXPECT_EQ(admit_hosts({{"qemu:///a", 0}}, {}, kReserve).hosts, std::vector<size_t>{0});
}

TEST(HostAdmission, ATooSmallHostIsLeftOutWhenOthersCanRun) {
  // 3 GiB free less the reserve holds no 2176 MiB guest.
  const Admission a =
      admit_hosts({{"test:///default", 3 * GiB}, {"qemu:///system", 20 * GiB}}, {{"big", 2176 * MiB}}, kReserve);
  EXPECT_EQ(a.hosts, (std::vector<size_t>{1}));
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_EQ(a.warnings[0],
            "kmatrix: warning: host test:///default has 3072 MiB free, less than one guest of this run needs (2176 MiB "
            "for cell 'big', plus the 1024 MiB reserve); it runs no cell of this run");
  // Exactly the guest and the reserve: it fits.
  EXPECT_EQ(admit_hosts({{"h", 2176 * MiB + kReserve}}, {{"big", 2176 * MiB}}, kReserve).hosts, std::vector<size_t>{0});
}

TEST(HostAdmission, NoHostWithRoomIsOneLine) {
  EXPECT_EQ(error_of({{"qemu:///system", 22 * GiB}}, {{"huge", 64 * GiB + 128 * MiB}}),
            "qemu:///system has 22528 MiB free, but one guest of this run needs 65664 MiB (cell 'huge') beyond the "
            "1024 MiB reserve; lower run.guest_memory, free memory on the host, or run on a larger one");
  EXPECT_EQ(error_of({{"qemu:///a", 22 * GiB}, {"qemu:///b", 2 * GiB}}, {{"huge", 64 * GiB}}),
            "qemu:///a has 22528 MiB free, qemu:///b has 2048 MiB free, but one guest of this run needs 65536 MiB "
            "(cell 'huge') beyond the 1024 MiB reserve; lower run.guest_memory, free memory on a host, or add a host "
            "with --connect");
}

TEST(HostAdmission, ACellThatFitsNoKeptHostStopsTheRun) {
  // Host b holds the small cell only; host a holds neither the big one.
  EXPECT_EQ(error_of({{"qemu:///a", 4 * GiB}, {"qemu:///b", 2 * GiB}}, {{"small", 640 * MiB}, {"big", 8 * GiB}}),
            "qemu:///a has 4096 MiB free, but cell 'big' needs 8192 MiB beyond the 1024 MiB reserve (the roomiest host "
            "of this run); lower run.guest_memory, free memory on a host, or add a host with --connect");
}

}  // namespace
}  // namespace kmx::runner
