#include "vm/libvirt_connect_error.h"

#include <cerrno>

#include <fmt/format.h>
#include <libvirt/virterror.h>

namespace kmx::vm {

ConnectFailure classify_connect_failure(int code, int sys_errno) {
  switch (code) {
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
    case VIR_ERR_AUTH_UNAVAILABLE:
    case VIR_ERR_ACCESS_DENIED:
    case VIR_ERR_OPERATION_DENIED:
      return ConnectFailure::permission;
    case VIR_ERR_SYSTEM_ERROR:
      // connect(2) on a socket this user may not open.
      return sys_errno == EACCES || sys_errno == EPERM ? ConnectFailure::permission : ConnectFailure::no_answer;
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_INVALID_ARG:
    case VIR_ERR_CONFIG_UNSUPPORTED:
      return ConnectFailure::bad_uri;
    default:
      return ConnectFailure::no_answer;
  }
}

std::string connect_failure_line(const std::string& uri, const std::string& message, ConnectFailure failure) {
  switch (failure) {
    case ConnectFailure::permission:
      return fmt::format(
          "libvirt {}: permission denied ({}); run kmatrix as root or as a member of the host's libvirt group "
          "(usermod -aG libvirt USER), give that group the socket (unix_sock_group, unix_sock_rw_perms in "
          "libvirtd.conf), or allow the user in polkit (org.libvirt.unix.manage, auth_unix_rw)",
          uri, message);
    case ConnectFailure::bad_uri:
      return fmt::format("libvirt {}: {}; check the URI (e.g. qemu:///system, qemu+ssh://user@host/system)", uri,
                         message);
    case ConnectFailure::no_answer:
      break;
  }
  return fmt::format("libvirt {}: {}; start libvirtd on that host (systemctl start libvirtd, or libvirtd -d) and "
                     "check the URI",
                     uri, message);
}

}  // namespace kmx::vm
