#include <gtest/gtest.h>

#include <algorithm>

#include "vm/qemu_command.h"

namespace kmx::vm {
namespace {

VmConfig config() {
  return {.kernel = "/k/bzImage", .initramfs = "/k/initrd.gz", .cmdline = "console=ttyS0",
          .memory = 512ull << 20, .cpus = 2, .accel = "tcg", .evidence_dir = "/out/cells/abc"};
}

// The value following `flag`, every time it occurs.
std::vector<std::string> values_of(const std::vector<std::string>& args, const std::string& flag) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == flag) out.push_back(args[i + 1]);
  return out;
}

TEST(QemuCommand, StartsPausedWithoutDefaultDevices) {
  const auto args = qemu_arguments(config(), "/tmp/s");
  EXPECT_EQ(args.front(), "-S");
  EXPECT_NE(std::find(args.begin(), args.end(), "-nodefaults"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "-no-reboot"), args.end());
}

TEST(QemuCommand, MachineFromConfig) {
  const auto args = qemu_arguments(config(), "/tmp/s");
  EXPECT_EQ(values_of(args, "-accel"), std::vector<std::string>{"tcg"});
  EXPECT_EQ(values_of(args, "-cpu"), std::vector<std::string>{"max"});
  EXPECT_EQ(values_of(args, "-m"), std::vector<std::string>{"512M"});
  EXPECT_EQ(values_of(args, "-smp"), std::vector<std::string>{"2"});
  EXPECT_EQ(values_of(args, "-kernel"), std::vector<std::string>{"/k/bzImage"});
  EXPECT_EQ(values_of(args, "-initrd"), std::vector<std::string>{"/k/initrd.gz"});
  EXPECT_EQ(values_of(args, "-append"), std::vector<std::string>{"console=ttyS0"});
  auto kvm = config();
  kvm.accel = "kvm";
  EXPECT_EQ(values_of(qemu_arguments(kvm, "/tmp/s"), "-cpu"), std::vector<std::string>{"host"});
}

TEST(QemuCommand, ConsoleIsFirstSerialAndLoggedAgentIsSecond) {
  const auto args = qemu_arguments(config(), "/tmp/s");
  const auto serials = values_of(args, "-serial");
  ASSERT_EQ(serials.size(), 2u);
  EXPECT_EQ(serials[0], "chardev:con");  // ttyS0
  EXPECT_EQ(serials[1], "chardev:agt");  // ttyS1
  const auto chardevs = values_of(args, "-chardev");
  ASSERT_EQ(chardevs.size(), 2u);
  EXPECT_EQ(chardevs[0], "socket,id=con,path=/tmp/s/console.sock,server=on,wait=off,logfile=/out/cells/abc/console.log");
  EXPECT_EQ(chardevs[1], "socket,id=agt,path=/tmp/s/agent.sock,server=on,wait=off");
  EXPECT_EQ(values_of(args, "-qmp"), std::vector<std::string>{"unix:/tmp/s/qmp.sock,server=on,wait=off"});
}

TEST(QemuCommand, ColdBootHasItsRamFromQemuOnThePinnedMachine) {
  const auto args = qemu_arguments(config(), "/tmp/s");
  EXPECT_EQ(values_of(args, "-machine"), std::vector<std::string>{"pc"});
  EXPECT_TRUE(values_of(args, "-object").empty());
  EXPECT_TRUE(values_of(args, "-incoming").empty());
}

TEST(QemuCommand, SnapshotBootWritesItsRamThroughToTheMemoryFile) {
  auto c = config();
  c.memory_file = "/cache/snap,1/memory";
  const auto args = qemu_arguments(c, "/tmp/s");
  EXPECT_EQ(values_of(args, "-object"),
            std::vector<std::string>{"memory-backend-file,id=ram,size=512M,mem-path=/cache/snap,,1/memory,share=on"});
  EXPECT_EQ(values_of(args, "-machine"), std::vector<std::string>{"pc,memory-backend=ram"});
  EXPECT_TRUE(values_of(args, "-incoming").empty());
}

TEST(QemuCommand, RestoreMapsTheMemoryFilePrivatelyAndWaitsForTheState) {
  auto c = config();
  c.restore = SnapshotFiles{.memory = "/cache/snap/memory", .state = "/cache/snap/state"};
  const auto args = qemu_arguments(c, "/tmp/s");
  EXPECT_EQ(values_of(args, "-object"),
            std::vector<std::string>{"memory-backend-file,id=ram,size=512M,mem-path=/cache/snap/memory,share=off"});
  EXPECT_EQ(values_of(args, "-machine"), std::vector<std::string>{"pc,memory-backend=ram"});
  EXPECT_EQ(values_of(args, "-incoming"), std::vector<std::string>{"defer"});
  // The same guest as the one saved: kernel, initrd and command line as booted.
  EXPECT_EQ(values_of(args, "-kernel"), std::vector<std::string>{"/k/bzImage"});
  EXPECT_EQ(values_of(args, "-append"), std::vector<std::string>{"console=ttyS0"});
}

TEST(QemuCommand, SaveUriQuotesThePathForTheShell) {
  EXPECT_EQ(migration_uri_to("/c/it's/state"), R"(exec:cat > '/c/it'\''s/state')");
}

}  // namespace
}  // namespace kmx::vm
