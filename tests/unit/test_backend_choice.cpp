#include <gtest/gtest.h>

#include "runner/backend_choice.h"
#include "util/error.h"

namespace kmx::runner {
namespace {

matrix::Cell cell(const std::string& backend, std::vector<std::string> connect = {}) {
  matrix::Cell c;
  c.run.backend = backend;
  c.run.connect = std::move(connect);
  return c;
}

std::string error_of(const std::string& backend, const std::vector<std::string>& connect,
                     const std::vector<matrix::Cell>& cells) {
  try {
    choose_backend(backend, connect, cells, "m.toml");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(BackendChoice, MatrixHostsUnlessTheCommandLineNamesSome) {
  const std::vector<matrix::Cell> cells = {cell("libvirt", {"qemu:///a", "qemu:///b"}), cell("libvirt", {"qemu:///a", "qemu:///b"})};
  EXPECT_EQ(choose_backend("", {}, cells, "m.toml").uris, (std::vector<std::string>{"qemu:///a", "qemu:///b"}));
  EXPECT_EQ(choose_backend("", {"qemu:///c"}, cells, "m.toml").uris, (std::vector<std::string>{"qemu:///c"}));
  EXPECT_EQ(choose_backend("", {}, cells, "m.toml").name, "libvirt");
  // Neither names a host: the local system daemon.
  EXPECT_EQ(choose_backend("", {}, {cell("libvirt")}, "m.toml").uris, (std::vector<std::string>{"qemu:///system"}));
  EXPECT_EQ(choose_backend("libvirt", {}, {cell("qemu")}, "m.toml").uris, (std::vector<std::string>{"qemu:///system"}));
  EXPECT_EQ(choose_backend("", {}, {cell("qemu")}, "m.toml").name, "qemu");
  EXPECT_TRUE(choose_backend("", {}, {cell("qemu")}, "m.toml").uris.empty());
}

TEST(BackendChoice, OneBackendAndOneSetOfHostsPerRun) {
  EXPECT_EQ(error_of("", {}, {cell("qemu"), cell("libvirt")}),
            "m.toml: cells use both run.backend \"qemu\" and \"libvirt\"; one run uses one backend (set run.backend "
            "once, or give --backend)");
  EXPECT_EQ(error_of("", {}, {cell("libvirt", {"qemu:///a"}), cell("libvirt", {"qemu:///b"})}),
            "m.toml: cells use both run.connect [\"qemu:///a\"] and [\"qemu:///b\"]; one run uses one set of hosts "
            "(set run.connect once, or give --connect)");
  // --connect settles which hosts, whatever the cells say.
  EXPECT_EQ(error_of("", {"qemu:///c"}, {cell("libvirt", {"qemu:///a"}), cell("libvirt", {"qemu:///b"})}), "");
  EXPECT_EQ(error_of("", {"qemu:///a", "qemu:///a"}, {cell("libvirt")}),
            "--connect qemu:///a is given twice; name each host once");
}

TEST(BackendChoice, HostsAreForLibvirtOnly) {
  EXPECT_EQ(error_of("", {"qemu:///a"}, {cell("qemu")}), "--connect is for --backend libvirt");
  EXPECT_EQ(error_of("qemu", {}, {cell("libvirt", {"qemu:///a"})}),
            "--backend qemu: m.toml names libvirt hosts in run.connect, which only --backend libvirt uses; drop "
            "--backend qemu, or run a matrix without run.connect");
}

}  // namespace
}  // namespace kmx::runner
