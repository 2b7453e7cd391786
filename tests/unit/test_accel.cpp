#include <gtest/gtest.h>

#include "runner/accel_probe.h"
#include "util/error.h"

namespace kmx::runner {
namespace {

TEST(DecideAccel, AutoUsesKvmOnlyWhenTheProbeBootedAGuest) {
  EXPECT_EQ(decide_accel("auto", true, true), "kvm");
  EXPECT_EQ(decide_accel("auto", true, false), "tcg");      // /dev/kvm present, guests stall (nested)
  EXPECT_EQ(decide_accel("auto", true, std::nullopt), "tcg");
  EXPECT_EQ(decide_accel("auto", false, std::nullopt), "tcg");
}

TEST(DecideAccel, ExplicitChoiceIsObeyed) {
  EXPECT_EQ(decide_accel("tcg", true, true), "tcg");
  EXPECT_EQ(decide_accel("kvm", true, false), "kvm");
  EXPECT_THROW(decide_accel("kvm", false, std::nullopt), HostError);
}

}  // namespace
}  // namespace kmx::runner
