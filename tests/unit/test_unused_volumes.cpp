#include <gtest/gtest.h>

#include "vm/unused_volumes.h"

namespace kmx::vm {
namespace {

const std::string kDir = "/var/lib/libvirt/images/kmatrix/";

std::vector<PoolVolume> uploads(std::initializer_list<std::string> names) {
  std::vector<PoolVolume> volumes;
  for (const std::string& name : names) {
    volumes.push_back({name, kDir + name});
    volumes.push_back({name + ".done", kDir + name + ".done"});
  }
  return volumes;
}

TEST(UnusedVolumes, KeepsWhatAKeptDomainBootsFromAndDropsTheRest) {
  const auto volumes = uploads({"kmx-kernel", "kmx-initrd", "kmx-old"});
  EXPECT_EQ(unused_volumes(volumes, {kDir + "kmx-kernel", kDir + "kmx-initrd"}),
            (std::vector<std::string>{"kmx-old.done", "kmx-old"}));
}

TEST(UnusedVolumes, NoDomainMeansEveryUploadGoesMarkersFirst) {
  EXPECT_EQ(unused_volumes(uploads({"kmx-b", "kmx-a"}), {}),
            (std::vector<std::string>{"kmx-a.done", "kmx-b.done", "kmx-a", "kmx-b"}));
}

TEST(UnusedVolumes, UnfinishedUploadsAndOrphanMarkersGo) {
  // An upload without its marker (interrupted), a marker without its upload (a gc interrupted the other way).
  const std::vector<PoolVolume> volumes{{"kmx-half", kDir + "kmx-half"}, {"kmx-lost.done", kDir + "kmx-lost.done"}};
  EXPECT_EQ(unused_volumes(volumes, {}), (std::vector<std::string>{"kmx-lost.done", "kmx-half"}));
}

TEST(UnusedVolumes, VolumesNotKmatrixsStay) {
  const std::vector<PoolVolume> volumes{{"disk.qcow2", kDir + "disk.qcow2"}, {"notes.done", kDir + "notes.done"}};
  EXPECT_TRUE(unused_volumes(volumes, {}).empty());
}

TEST(UnusedVolumes, MatchesByPathNotByName) {
  // A domain on another pool's file of the same name does not keep this one.
  EXPECT_EQ(unused_volumes(uploads({"kmx-k"}), {"/elsewhere/kmx-k"}), (std::vector<std::string>{"kmx-k.done", "kmx-k"}));
}

}  // namespace
}  // namespace kmx::vm
