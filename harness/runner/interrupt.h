// SIGINT/SIGTERM, in three steps: the first stops new cells from starting
// (running ones finish), the second aborts the running cells (their VMs are
// stopped, nothing half-decided is recorded), the third kills kmatrix at once.
// Every verdict already written is kept; the exit code is 128+signal.
#pragma once

namespace kmx::runner {

void install_interrupt_handlers();
int interrupt_signal();  // the first signal received, 0 while not interrupted
bool abort_requested();  // a second signal came

}  // namespace kmx::runner
