// The two libvirt "hosts" that libvirt_hosts.sh starts for these tests, and
// what runs on them.
#pragma once

#include <string>
#include <vector>

namespace kmx::vmtest {

// qemu:///system and the second daemon's qemu+unix URI.
std::vector<std::string> host_uris();

// Domains on `uri` that carry a kmatrix tag, running or not.
std::vector<std::string> kmatrix_domains(const std::string& uri);

// `--backend libvirt --connect URI`
std::string libvirt_args(const std::string& uri);

}  // namespace kmx::vmtest
