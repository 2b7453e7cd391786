#include "util/error.h"

#include <cerrno>
#include <cstring>

namespace kmx {

void throw_errno(const std::string& what) {
  throw HostError(what + ": " + std::strerror(errno));
}

}  // namespace kmx
