#include "libvirt_hosts.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <libvirt/libvirt.h>

#include "vm/libvirt_domain_xml.h"
#include "vm/libvirt_handle.h"

namespace kmx::vmtest {

std::vector<std::string> host_uris() {
  std::ifstream in(std::filesystem::path(KMATRIX_LIBVIRT_STATE) / "uris");
  std::vector<std::string> uris;
  for (std::string line; std::getline(in, line);) uris.push_back(line);
  return uris;
}

std::vector<std::string> kmatrix_domains(const std::string& uri) {
  const vm::ConnectHandle conn(virConnectOpen(uri.c_str()));
  if (!conn) throw std::runtime_error("cannot connect to " + uri);
  virDomainPtr* domains = nullptr;
  const int n = virConnectListAllDomains(conn.get(), &domains, 0);
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    const vm::DomainHandle dom(domains[i]);
    if (char* xml = virDomainGetXMLDesc(dom.get(), 0)) {
      if (vm::parse_domain_tag(xml)) names.push_back(virDomainGetName(dom.get()));
      free(xml);
    }
  }
  free(domains);
  return names;
}

std::string libvirt_args(const std::string& uri) { return fmt::format("--backend libvirt --connect '{}'", uri); }

}  // namespace kmx::vmtest
