#include "vm/domain_owner.h"

#include <sys/utsname.h>

namespace kmx::vm {

std::string this_machine() {
  struct utsname u {};
  ::uname(&u);
  return u.nodename;
}

DomainOwner domain_owner(const DomainTag& tag, std::string_view this_host,
                         const std::function<bool(int64_t)>& kmatrix_running) {
  if (tag.host != this_host) return DomainOwner::elsewhere;
  return kmatrix_running(tag.pid) ? DomainOwner::alive : DomainOwner::gone;
}

}  // namespace kmx::vm
