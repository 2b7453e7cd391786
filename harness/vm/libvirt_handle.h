// RAII owners of libvirt objects, libvirt's last error as text, and the one
// libvirt event loop of the process (domain events, console streams and
// keepalives are dispatched on its thread).
#pragma once

#include <memory>
#include <string>

#include <libvirt/libvirt.h>

namespace kmx::vm {

template <typename T, int (*Free)(T*)>
struct LibvirtFree {
  void operator()(T* p) const { Free(p); }
};

using ConnectHandle = std::unique_ptr<virConnect, LibvirtFree<virConnect, virConnectClose>>;
using DomainHandle = std::unique_ptr<virDomain, LibvirtFree<virDomain, virDomainFree>>;
using StreamHandle = std::unique_ptr<virStream, LibvirtFree<virStream, virStreamFree>>;
using PoolHandle = std::unique_ptr<virStoragePool, LibvirtFree<virStoragePool, virStoragePoolFree>>;
using VolumeHandle = std::unique_ptr<virStorageVol, LibvirtFree<virStorageVol, virStorageVolFree>>;

// The calling thread's last libvirt error message ("unknown error" if none).
std::string libvirt_error();

// Registers libvirt's default event implementation and runs it on a thread
// of its own, once per process; must precede the first virConnectOpen.
// Also keeps libvirt from printing errors to stderr: kmatrix words them.
void start_libvirt_event_loop();

}  // namespace kmx::vm
