// SIGINT/SIGTERM: the run stops at the next tick, stops its VM, keeps every
// verdict already written and exits 128+signal.
#pragma once

namespace kmx::runner {

void install_interrupt_handlers();
int interrupt_signal();  // 0 while not interrupted

}  // namespace kmx::runner
