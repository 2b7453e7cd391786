// Why a libvirt connection could not be opened, from libvirt's error (its
// code, and for a system error the errno), and what the user should do about
// it: the one line kmatrix prints before exiting with 3. Pure.
#pragma once

#include <string>

namespace kmx::vm {

enum class ConnectFailure {
  permission,  // the daemon (or its socket, or polkit, or SASL) refused this user
  bad_uri,     // libvirt does not understand the URI
  no_answer,   // nothing answers there: no daemon, no such host or socket
};

// `code` is a virErrorNumber; `sys_errno` the errno of a VIR_ERR_SYSTEM_ERROR (its int1), else 0.
ConnectFailure classify_connect_failure(int code, int sys_errno);

// "libvirt URI: MESSAGE; what to do".
std::string connect_failure_line(const std::string& uri, const std::string& message, ConnectFailure failure);

}  // namespace kmx::vm
