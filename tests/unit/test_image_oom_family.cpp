#include <gtest/gtest.h>

#include "image/kernel_version.h"
#include "image/oom_family.h"
#include "util/error.h"

namespace kmx::image {
namespace {

std::string family(std::string_view release) { return std::string(to_string(oom_family_of(release).family)); }

TEST(KernelVersion, ParsesTheLeadingTriple) {
  EXPECT_EQ(parse_kernel_version("6.1.0-56-amd64"), (KernelVersion{6, 1, 0}));
  EXPECT_EQ(parse_kernel_version("2.6.32-431.el6.x86_64"), (KernelVersion{2, 6, 32}));
  EXPECT_EQ(parse_kernel_version("6.12.118+deb13-amd64"), (KernelVersion{6, 12, 118}));
  EXPECT_EQ(parse_kernel_version("3.10"), (KernelVersion{3, 10, 0}));
  EXPECT_EQ(parse_kernel_version("4.19-rc1"), (KernelVersion{4, 19, 0}));
  EXPECT_EQ(parse_kernel_version("6"), std::nullopt);
  EXPECT_EQ(parse_kernel_version("vmlinuz"), std::nullopt);
  EXPECT_EQ(parse_kernel_version(""), std::nullopt);
  EXPECT_LT((KernelVersion{2, 6, 36}), (KernelVersion{3, 0, 0}));
  EXPECT_EQ((KernelVersion{3, 10, 0}).str(), "3.10.0");
}

TEST(OomFamily, CentOs6BackportsTheThousandScale) {
  EXPECT_EQ(family("2.6.32-431.el6.x86_64"), "1000-scale");  // the seed incident's kernel
  EXPECT_EQ(family("2.6.32-754.el6.x86_64"), "1000-scale");
  EXPECT_NE(std::string(oom_family_of("2.6.32-431.el6.x86_64").evidence).find("score 1 or sacrifice child"),
            std::string::npos);
}

TEST(OomFamily, VanillaKernelsByVersion) {
  EXPECT_EQ(family("2.6.32"), "legacy");
  EXPECT_EQ(family("2.6.35.14"), "legacy");
  EXPECT_EQ(family("2.6.36"), "1000-scale");
  EXPECT_EQ(family("3.7.10"), "1000-scale");
  EXPECT_EQ(family("3.8.0"), "page-scale");
  EXPECT_EQ(family("3.10.0-1160.el7.x86_64"), "page-scale");
  EXPECT_EQ(family("5.10.0-46-amd64"), "page-scale");
  EXPECT_EQ(family("6.12.118+deb13-amd64"), "page-scale");
}

TEST(OomFamily, EveryVersionHasExactlyOneVanillaRow) {
  // The vanilla rows tile the version line without gaps or overlaps.
  KernelVersion next{0, 0, 0};
  for (const OomFamilyRule& r : oom_family_rules()) {
    EXPECT_FALSE(r.evidence.empty());
    if (!r.release_marker.empty()) continue;
    EXPECT_EQ(r.from, next);
    next = r.until;
  }
  EXPECT_GT(next, (KernelVersion{100, 0, 0}));
}

TEST(OomFamily, AReleaseWithoutVersionIsAUsageError) {
  EXPECT_THROW(oom_family_of("custom"), UsageError);
}

}  // namespace
}  // namespace kmx::image
