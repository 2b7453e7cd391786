// `kmatrix gc [--connect URI]...`: destroys the kmatrix domains that no
// running kmatrix owns. A domain is kmatrix's by its metadata tag, not its
// name; its owner is the tagged pid on the tagged machine.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "util/error.h"
#include "util/read_file.h"
#include "vm/domain_owner.h"
#include "vm/libvirt_backend.h"

namespace kmx::cli {

namespace {

struct GcOptions {
  std::vector<std::string> uris;
  bool dry_run = false;
};

// A recycled pid is not kmatrix: its name says so.
bool kmatrix_running(int64_t pid) { return util::read_file(fmt::format("/proc/{}/comm", pid)) == "kmatrix\n"; }

int collect(const GcOptions& o) {
  const std::string here = vm::this_machine();
  for (const std::string& uri : o.uris.empty() ? std::vector<std::string>{"qemu:///system"} : o.uris) {
    vm::LibvirtBackend host(uri, "");
    const auto domains = host.tagged_domains();
    if (domains.empty()) fmt::print("{}: no kmatrix domain\n", uri);
    for (const auto& [name, tag] : domains) {
      switch (vm::domain_owner(tag, here, kmatrix_running)) {
        case vm::DomainOwner::alive:
          fmt::print("{}: {} kept: kmatrix pid {} still runs it\n", uri, name, tag.pid);
          break;
        case vm::DomainOwner::elsewhere:
          fmt::print("{}: {} kept: started by kmatrix on {} (pid {}); run gc there\n", uri, name, tag.host, tag.pid);
          break;
        case vm::DomainOwner::gone:
          if (!o.dry_run) host.destroy_domain(name);
          fmt::print("{}: {} {}: its kmatrix (pid {}) is gone\n", uri, name, o.dry_run ? "would be destroyed" : "destroyed",
                     tag.pid);
          break;
      }
    }
  }
  return kExitOk;
}

}  // namespace

Command add_gc_command(CLI::App& app) {
  auto options = std::make_shared<GcOptions>();
  CLI::App* cmd = app.add_subcommand("gc", "Destroy libvirt domains left behind by kmatrix runs that are no longer running");
  cmd->add_option("--connect", options->uris, "libvirt host URI, may be repeated (default qemu:///system)");
  cmd->add_flag("--dry-run", options->dry_run, "Only say what would be destroyed");
  return [options] { return collect(*options); };
}

}  // namespace kmx::cli
