#include <gtest/gtest.h>

#include "runner/boot_choice.h"

namespace kmx::runner {
namespace {

TEST(BootChoice, SnapshotRestoresWhereTheBackendCan) {
  const BootChoice c = choose_boot("snapshot", true, "qemu");
  EXPECT_TRUE(c.restore);
  EXPECT_EQ(c.why_cold, "");
}

TEST(BootChoice, ColdAskedForIsColdWithoutAReason) {
  const BootChoice c = choose_boot("cold", true, "qemu");
  EXPECT_FALSE(c.restore);
  EXPECT_EQ(c.why_cold, "");
}

TEST(BootChoice, ABackendWithoutSnapshotsBootsColdAndSaysSo) {
  const BootChoice c = choose_boot("snapshot", false, "libvirt");
  EXPECT_FALSE(c.restore);
  EXPECT_EQ(c.why_cold, "the libvirt backend cannot restore snapshots");
}

TEST(BootChoice, ARestoredGuestThatSaidReadyGivesAVerdict) {
  const outcome::Trigger hang{.kind = outcome::TriggerKind::heartbeat_silence, .at = {}, .detail = "silent"};
  EXPECT_EQ(restore_failure(true, hang), std::nullopt);
  EXPECT_EQ(restore_failure(true, std::nullopt), std::nullopt);
}

TEST(BootChoice, ARestoredGuestThatNeverSaidReadyIsTheSnapshotsFault) {
  // No `ready` in time, QEMU refusing the state, a panic: never a boot-failure of the kernel.
  const outcome::Trigger deadline{.kind = outcome::TriggerKind::boot_deadline, .at = {}, .detail = "no ready in 30 s"};
  EXPECT_EQ(restore_failure(false, deadline), "the restored guest did not say ready (boot-deadline: no ready in 30 s)");
  const outcome::Trigger infra{.kind = outcome::TriggerKind::infra_error, .at = {}, .detail = ""};
  EXPECT_EQ(restore_failure(false, infra), "the restored guest did not say ready (infra-error)");
  EXPECT_EQ(restore_failure(false, std::nullopt), "the restored guest ended before its agent said ready");
}

}  // namespace
}  // namespace kmx::runner
