#include <gtest/gtest.h>

#include <cerrno>

#include <libvirt/virterror.h>

#include "vm/libvirt_connect_error.h"

namespace kmx::vm {
namespace {

TEST(LibvirtConnectError, RefusalsForThisUserArePermission) {
  for (const int code : {VIR_ERR_AUTH_FAILED, VIR_ERR_AUTH_CANCELLED, VIR_ERR_AUTH_UNAVAILABLE, VIR_ERR_ACCESS_DENIED,
                         VIR_ERR_OPERATION_DENIED})
    EXPECT_EQ(classify_connect_failure(code, 0), ConnectFailure::permission) << code;
  // connect(2) on a socket only root may open: a system error with EACCES.
  EXPECT_EQ(classify_connect_failure(VIR_ERR_SYSTEM_ERROR, EACCES), ConnectFailure::permission);
  EXPECT_EQ(classify_connect_failure(VIR_ERR_SYSTEM_ERROR, EPERM), ConnectFailure::permission);
}

TEST(LibvirtConnectError, AMissingDaemonOrHostIsNoAnswer) {
  EXPECT_EQ(classify_connect_failure(VIR_ERR_SYSTEM_ERROR, ENOENT), ConnectFailure::no_answer);
  EXPECT_EQ(classify_connect_failure(VIR_ERR_SYSTEM_ERROR, ECONNREFUSED), ConnectFailure::no_answer);
  EXPECT_EQ(classify_connect_failure(VIR_ERR_RPC, 0), ConnectFailure::no_answer);
  EXPECT_EQ(classify_connect_failure(VIR_ERR_NO_CONNECT, 0), ConnectFailure::bad_uri);
  EXPECT_EQ(classify_connect_failure(VIR_ERR_INVALID_ARG, 0), ConnectFailure::bad_uri);
}

TEST(LibvirtConnectError, OneLineNamingTheUriAndWhatToDo) {
  const std::string line = connect_failure_line("qemu:///system", "Failed to connect socket: Permission denied",
                                                ConnectFailure::permission);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_TRUE(line.starts_with("libvirt qemu:///system: permission denied (Failed to connect socket: Permission denied); "))
      << line;
  for (const char* hint : {"libvirt group", "unix_sock_rw_perms", "polkit"})
    EXPECT_NE(line.find(hint), std::string::npos) << hint;
  EXPECT_NE(connect_failure_line("qemu:///x", "m", ConnectFailure::no_answer).find("start libvirtd"), std::string::npos);
  EXPECT_NE(connect_failure_line("xyz://", "m", ConnectFailure::bad_uri).find("check the URI"), std::string::npos);
}

}  // namespace
}  // namespace kmx::vm
