#include "vm/libvirt_handle.h"

#include <libvirt/virterror.h>

#include <mutex>
#include <thread>

#include "util/error.h"

namespace kmx::vm {

std::string libvirt_error() {
  const virError* e = virGetLastError();
  return e && e->message ? e->message : "unknown error";
}

void start_libvirt_event_loop() {
  static std::once_flag once;
  std::call_once(once, [] {
    virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
    if (virEventRegisterDefaultImpl() < 0) throw HostError("libvirt: cannot register its event loop: " + libvirt_error());
    // Runs as long as the process: libvirt has no way to stop its default loop.
    std::thread([] {
      for (;;) virEventRunDefaultImpl();
    }).detach();
  });
}

}  // namespace kmx::vm
