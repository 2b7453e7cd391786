#include "vm/qemu_exit.h"

#include <sys/wait.h>

#include <fmt/format.h>

namespace kmx::vm {

std::string qemu_exit_text(int wait_status) {
  if (WIFSIGNALED(wait_status)) return fmt::format("QEMU killed by signal {}", WTERMSIG(wait_status));
  return fmt::format("QEMU exited with status {}", WEXITSTATUS(wait_status));
}

}  // namespace kmx::vm
