// How the QEMU process ended, in the words of a cell's infra-error: pure, so
// that a signal is never reported as an exit status.
#pragma once

#include <string>

namespace kmx::vm {

// "QEMU exited with status 1" or "QEMU killed by signal 9", from the status
// waitpid() gave for the ended process.
std::string qemu_exit_text(int wait_status);

}  // namespace kmx::vm
