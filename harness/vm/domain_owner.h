// Whose is a kmatrix domain: decided from its tag alone, never from its name.
// Pure but this_machine; `gc` acts on the answer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "vm/libvirt_domain_xml.h"

namespace kmx::vm {

enum class DomainOwner {
  alive,      // the kmatrix that started it still runs here
  gone,       // started from this machine by a kmatrix that is no longer running: a leftover
  elsewhere,  // started from another machine: its kmatrix cannot be seen from here
};

// uname's nodename: the machine a domain tag names as its kmatrix's.
std::string this_machine();

// `kmatrix_running(pid)`: whether pid is a running kmatrix on this machine.
DomainOwner domain_owner(const DomainTag& tag, std::string_view this_host,
                         const std::function<bool(int64_t)>& kmatrix_running);

}  // namespace kmx::vm
