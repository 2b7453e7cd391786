#include "runner/interrupt.h"

#include <csignal>

namespace kmx::runner {

namespace {
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_count = 0;

void on_signal(int sig) {
  if (g_count >= 2) {
    // Third signal: the user insists; QEMU dies with us (PDEATHSIG).
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
  if (g_count == 0) g_signal = sig;
  g_count = g_count + 1;
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() { return g_signal; }

bool abort_requested() { return g_count >= 2; }

}  // namespace kmx::runner
