// VM backend that runs each guest as a transient libvirt domain, on this
// host or a remote one, through the libvirt C API: kernel and initramfs go
// up through the host's storage pool, the console and the agent channel come
// back as virDomainOpenConsole streams, the domain's end as a lifecycle
// event. Both are dispatched on libvirt's event thread and handed to the
// cell's io_context.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "util/file_lock.h"
#include "vm/backend.h"
#include "vm/libvirt_domain_xml.h"
#include "vm/libvirt_handle.h"
#include "vm/unused_volumes.h"

namespace kmx::vm {

class LibvirtBackend : public Backend {
 public:
  // Opens the connection; HostError (one line naming the host and what to do) when it fails.
  // `run_id` names and tags the domains of this run; a run's backend (`run_id` not empty) claims
  // the host for its lifetime (host_claim), so that gc --volumes leaves its uploads alone.
  LibvirtBackend(std::string uri, std::string run_id);
  ~LibvirtBackend() override;

  std::string name() const override { return "libvirt"; }
  std::string version() override;  // "libvirt 9.0.0, QEMU 7.2.0 on HOST"
  HostCapacity capacity() override;  // virNodeGetInfo, virNodeGetFreeMemory
  std::string host() const override { return uri_; }
  // Save images on the host (libvirt_snapshot.h): a snapshot is per host.
  bool snapshots() const override { return true; }
  std::string snapshot_identity() override { return Backend::snapshot_identity() + " at " + uri_; }
  SnapshotFiles snapshot_files(const std::filesystem::path& dir, const std::string& key) override;
  bool snapshot_complete(const SnapshotFiles& files, uint64_t memory) override;
  void delete_snapshot(const SnapshotFiles& files) override;
  bool concurrent_restores() const override { return false; }
  std::string snapshot_in_use(const SnapshotFiles& files) override;
  bool reachable() override;  // virConnectIsAlive
  std::unique_ptr<Guest> launch(boost::asio::io_context& io, const VmConfig& config, GuestEvents events) override;

  struct TaggedDomain {
    std::string name;
    DomainTag tag;
    std::vector<std::string> boot_files;  // its kernel and initrd paths on the host
  };
  // The host's running domains that carry a kmatrix tag in their <metadata>.
  std::vector<TaggedDomain> tagged_domains();
  // HostError naming the host when libvirt refuses.
  void destroy_domain(const std::string& name);
  // The volumes of the host's kmatrix pool, and deleting one (libvirt_storage).
  std::vector<PoolVolume> pool_volumes();
  void delete_volume(const std::string& name);

  struct Link;  // a guest as libvirt's event thread sees it

 private:
  std::string volume_for(const std::filesystem::path& file);

  std::string uri_;
  std::string run_id_;
  ConnectHandle conn_;
  std::unique_ptr<util::FileLock> claim_;
  std::mutex mutex_;
  std::map<std::filesystem::path, std::string> volumes_;  // local file -> its path on the host
  std::vector<std::weak_ptr<Link>> links_;                // told when the connection closes
};

}  // namespace kmx::vm
