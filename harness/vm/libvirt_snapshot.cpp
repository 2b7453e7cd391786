#include "vm/libvirt_snapshot.h"

#include <filesystem>

#include <fmt/format.h>

#include "util/error.h"
#include "vm/libvirt_restore_xml.h"
#include "vm/libvirt_storage.h"

namespace kmx::vm {

namespace {

// Not "kmx-": `gc --volumes` drops only uploads (unused_volumes.h).
std::string image_name(const std::string& key) { return "kmatrix-snapshot-" + key + ".save"; }

}  // namespace

SnapshotFiles libvirt_snapshot_files(const std::string& key) {
  const std::filesystem::path image = std::filesystem::path(kStoragePoolPath) / image_name(key);
  return {.memory = image, .state = image, .domain = "kmatrix-snapshot-" + key};
}

bool libvirt_snapshot_readable(virConnectPtr conn, const SnapshotFiles& files) {
  char* xml = virDomainSaveImageGetXMLDesc(conn, files.state.c_str(), 0);
  free(xml);
  return xml != nullptr;
}

std::string libvirt_snapshot_in_use(virConnectPtr conn, const std::string& host, const SnapshotFiles& files) {
  const DomainHandle dom(virDomainLookupByName(conn, files.domain.c_str()));
  if (!dom || virDomainIsActive(dom.get()) != 1) return "";
  return fmt::format("its domain {} is running on {} (another run's, or left behind: `kmatrix gc` destroys it)",
                     files.domain, host);
}

void delete_libvirt_snapshot(virConnectPtr conn, const std::string& host, const SnapshotFiles& files) {
  // libvirtd wrote the image, not the storage API: the pool learns of it by a refresh.
  const PoolHandle pool(virStoragePoolLookupByName(conn, std::string(kStoragePool).c_str()));
  if (!pool || virStoragePoolRefresh(pool.get(), 0) < 0) return;
  const VolumeHandle vol(virStorageVolLookupByName(pool.get(), files.state.filename().c_str()));
  if (vol && virStorageVolDelete(vol.get(), 0) < 0)
    throw HostError(fmt::format("libvirt {}: deleting save image {}: {}", host, files.state.string(), libvirt_error()));
}

std::string save_libvirt_domain(virDomainPtr dom, const std::string& image) {
  return virDomainSaveFlags(dom, image.c_str(), nullptr, 0) == 0 ? "" : libvirt_error();
}

DomainHandle restore_libvirt_domain(virConnectPtr conn, const std::string& host, const SnapshotFiles& files,
                                    const DomainTag& tag) {
  const auto fail = [&](const std::string& what) {
    return HostError(fmt::format("libvirt {}: {} save image {}: {}", host, what, files.state.string(), libvirt_error()));
  };
  char* saved = virDomainSaveImageGetXMLDesc(conn, files.state.c_str(), 0);
  if (!saved) throw fail("reading");
  std::string xml;
  try {
    xml = retagged_domain_xml(saved, tag);
  } catch (const std::exception& e) {
    free(saved);
    throw HostError(fmt::format("libvirt {}: save image {}: {}", host, files.state.string(), e.what()));
  }
  free(saved);
  if (virDomainRestoreFlags(conn, files.state.c_str(), xml.c_str(), VIR_DOMAIN_SAVE_PAUSED) < 0)
    throw fail("restoring");
  DomainHandle dom(virDomainLookupByName(conn, files.domain.c_str()));
  if (!dom) throw fail("finding the domain restored from");
  return dom;
}

}  // namespace kmx::vm
