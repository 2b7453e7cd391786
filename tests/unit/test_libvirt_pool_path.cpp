#include <gtest/gtest.h>

#include "vm/libvirt_storage.h"

namespace kmx::vm {
namespace {

const std::filesystem::path kData = "/home/u/.local/share";

TEST(LibvirtPoolPath, SystemDaemonsKeepImagesInVarLib) {
  for (const char* uri : {"qemu:///system", "qemu+unix:///system?socket=/run/x/libvirt-sock",
                          "qemu+ssh://root@lab-3/system", "qemu+tls://lab-3.example/system"})
    EXPECT_EQ(pool_path_for(uri, kData), std::filesystem::path("/var/lib/libvirt/images/kmatrix")) << uri;
}

TEST(LibvirtPoolPath, ASessionHereUsesTheUsersDataDirectory) {
  const std::filesystem::path pool = kData / "libvirt/images/kmatrix";
  EXPECT_EQ(pool_path_for("qemu:///session", kData), pool);
  EXPECT_EQ(pool_path_for("qemu+unix:///session?socket=/run/user/1000/libvirt/libvirt-sock", kData), pool);
  EXPECT_EQ(pool_path_for("qemu:///session", std::nullopt), std::nullopt) << "no HOME: nowhere to put it";
}

TEST(LibvirtPoolPath, ASessionElsewhereHasNoPathKmatrixCanKnow) {
  EXPECT_EQ(pool_path_for("qemu+ssh://me@lab-3/session", kData), std::nullopt);
  EXPECT_EQ(pool_path_for("qemu+ssh://me@lab-3/session?keyfile=/k", kData), std::nullopt);
}

}  // namespace
}  // namespace kmx::vm
