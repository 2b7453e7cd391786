#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "vm/qemu_exit.h"

namespace kmx::vm {
namespace {

TEST(QemuExit, ExitStatus) {
  EXPECT_EQ(qemu_exit_text(W_EXITCODE(0, 0)), "QEMU exited with status 0");
  EXPECT_EQ(qemu_exit_text(W_EXITCODE(1, 0)), "QEMU exited with status 1");
}

// Boost.Process reports both as 9; the wait status tells them apart.
TEST(QemuExit, SignalIsNotAnExitStatus) {
  EXPECT_EQ(qemu_exit_text(W_EXITCODE(0, SIGKILL)), "QEMU killed by signal 9");
  EXPECT_EQ(qemu_exit_text(W_EXITCODE(9, 0)), "QEMU exited with status 9");
  EXPECT_EQ(qemu_exit_text(W_EXITCODE(0, SIGTERM)), "QEMU killed by signal 15");
}

}  // namespace
}  // namespace kmx::vm
