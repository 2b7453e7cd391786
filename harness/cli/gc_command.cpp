// `kmatrix gc [--connect URI]... [--volumes]`: destroys the kmatrix domains
// that no running kmatrix owns, and with --volumes deletes the uploaded
// kernels and initramfs that no remaining one boots from. A domain is
// kmatrix's by its metadata tag, not its name; its owner is the tagged pid on
// the tagged machine.
#include <filesystem>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"
#include "util/error.h"
#include "util/file_lock.h"
#include "util/read_file.h"
#include "vm/domain_owner.h"
#include "vm/host_claim.h"
#include "vm/libvirt_backend.h"
#include "vm/unused_volumes.h"

namespace kmx::cli {

namespace {

struct GcOptions {
  std::vector<std::string> uris;
  bool dry_run = false;
  bool volumes = false;
};

// A recycled pid is not kmatrix: its name says so.
bool kmatrix_running(int64_t pid) { return util::read_file(fmt::format("/proc/{}/comm", pid)) == "kmatrix\n"; }

// The pool's volumes that no domain in `in_use` boots from; a marker before
// its volume. None while a run on this machine uses the host (host_claim):
// between two cells it has no domain to show which files it needs.
void delete_unused_volumes(vm::LibvirtBackend& host, const std::string& uri, const std::set<std::string>& in_use,
                           bool dry_run) {
  const std::unique_ptr<util::FileLock> claim = util::FileLock::try_exclusive(vm::host_claim_file(uri));
  if (!claim) {
    fmt::print("{}: volumes kept: a kmatrix run on this machine uses this host; run gc --volumes when it has ended\n",
               uri);
    return;
  }
  const std::vector<std::string> unused = vm::unused_volumes(host.pool_volumes(), in_use);
  if (unused.empty()) fmt::print("{}: no unused kmatrix volume\n", uri);
  for (const std::string& name : unused) {
    if (!dry_run) host.delete_volume(name);
    fmt::print("{}: volume {} {}: no kept kmatrix domain boots from it\n", uri, name,
               dry_run ? "would be deleted" : "deleted");
  }
}

int collect(const GcOptions& o) {
  const std::string here = vm::this_machine();
  for (const std::string& uri : o.uris.empty() ? std::vector<std::string>{"qemu:///system"} : o.uris) {
    vm::LibvirtBackend host(uri, "");
    const auto domains = host.tagged_domains();
    if (domains.empty()) fmt::print("{}: no kmatrix domain\n", uri);
    std::set<std::string> in_use;  // the boot files of the domains kept
    for (const auto& [name, tag, boot_files] : domains) {
      switch (vm::domain_owner(tag, here, kmatrix_running)) {
        case vm::DomainOwner::alive:
          fmt::print("{}: {} kept: kmatrix pid {} still runs it\n", uri, name, tag.pid);
          in_use.insert(boot_files.begin(), boot_files.end());
          break;
        case vm::DomainOwner::elsewhere:
          fmt::print("{}: {} kept: started by kmatrix on {} (pid {}); run gc there\n", uri, name, tag.host, tag.pid);
          in_use.insert(boot_files.begin(), boot_files.end());
          break;
        case vm::DomainOwner::gone:
          if (!o.dry_run) host.destroy_domain(name);
          fmt::print("{}: {} {}: its kmatrix (pid {}) is gone\n", uri, name, o.dry_run ? "would be destroyed" : "destroyed",
                     tag.pid);
          break;
      }
    }
    if (o.volumes) delete_unused_volumes(host, uri, in_use, o.dry_run);
  }
  return kExitOk;
}

}  // namespace

Command add_gc_command(CLI::App& app) {
  auto options = std::make_shared<GcOptions>();
  CLI::App* cmd = app.add_subcommand(
      "gc", "Destroy libvirt domains left behind by kmatrix runs that are no longer running (and unused uploads)");
  cmd->add_option("--connect", options->uris, "libvirt host URI, may be repeated (default qemu:///system)");
  cmd->add_flag("--volumes", options->volumes,
                "Also delete the kernels and initramfs uploaded to the host's kmatrix storage pool that no kept kmatrix "
                "domain boots from; none on a host that a kmatrix run on this machine uses (a run on another machine "
                "shows only its running domains: run gc --volumes when it is idle)");
  cmd->add_flag("--dry-run", options->dry_run, "Only say what would be destroyed or deleted");
  return [options] { return collect(*options); };
}

}  // namespace kmx::cli
