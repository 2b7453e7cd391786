#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "runner/snapshot_key.h"

namespace kmx::runner {
namespace {

SnapshotKeyParts parts() {
  return {.kernel_sha256 = "aa11",
          .initramfs_sha256 = "bb22",
          .cmdline = "console=ttyS0,115200 swapaccount=1",
          .memory = 512ull << 20,
          .cpus = 2,
          .accel = "tcg",
          .backend = "/usr/bin/qemu-system-x86_64 | QEMU emulator version 7.2.22 | machine pc"};
}

TEST(SnapshotKey, IsStableAndShort) {
  EXPECT_EQ(snapshot_key(parts()), snapshot_key(parts()));
  EXPECT_EQ(snapshot_key(parts()).size(), 16u);
}

TEST(SnapshotKey, EveryPartThatShapesTheBootedGuestChangesIt) {
  const std::vector<std::function<void(SnapshotKeyParts&)>> changes = {
      [](SnapshotKeyParts& p) { p.kernel_sha256 = "aa12"; },
      [](SnapshotKeyParts& p) { p.initramfs_sha256 = "bb23"; },
      // A built-in brd is sized on the command line: cells of other swap sizes are other guests.
      [](SnapshotKeyParts& p) { p.cmdline += " brd.rd_nr=1 brd.rd_size=65536"; },
      [](SnapshotKeyParts& p) { p.memory = 2048ull << 20; },
      [](SnapshotKeyParts& p) { p.cpus = 1; },
      [](SnapshotKeyParts& p) { p.accel = "kvm"; },
      // A QEMU upgrade: its device state may not load into the old one.
      [](SnapshotKeyParts& p) { p.backend = "/usr/bin/qemu-system-x86_64 | QEMU emulator version 8.2.2 | machine pc"; },
  };
  std::set<std::string> keys = {snapshot_key(parts())};
  for (const auto& change : changes) {
    SnapshotKeyParts p = parts();
    change(p);
    EXPECT_TRUE(keys.insert(snapshot_key(p)).second) << snapshot_key_json(p).dump();
  }
}

TEST(SnapshotKey, JsonNamesEachPart) {
  const nlohmann::json j = snapshot_key_json(parts());
  for (const char* name : {"kernel_sha256", "initramfs_sha256", "cmdline", "memory", "cpus", "accel", "backend"})
    EXPECT_TRUE(j.contains(name)) << name;
  EXPECT_EQ(j.at("memory"), 512ull << 20);
}

}  // namespace
}  // namespace kmx::runner
