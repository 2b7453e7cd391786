#include "vm/libvirt_snapshot.h"

#include <optional>

#include <fmt/format.h>

#include "util/error.h"
#include "vm/libvirt_restore_xml.h"
#include "vm/libvirt_storage.h"
#include "vm/xml_writer.h"

namespace kmx::vm {

namespace {

// An empty volume, for libvirtd to write the save image into: the pool,
// wherever the host keeps it, gives its path.
std::string image_volume_xml(const std::string& name) {
  XmlWriter w;
  w.start("volume");
  w.element("name", name);
  w.start("capacity").attr("unit", "bytes").text("0").end();
  w.end();
  return w.finish();
}

// The host path of the image's volume in the kmatrix pool, created empty
// when `create`; nullopt when there is none.
std::optional<std::string> image_path(virConnectPtr conn, const std::string& host, const SnapshotFiles& files,
                                      bool create) {
  const PoolHandle pool(virStoragePoolLookupByName(conn, std::string(kStoragePool).c_str()));
  // libvirtd writes the image, not the storage API: the pool learns of it by a refresh.
  if (!pool || virStoragePoolRefresh(pool.get(), 0) < 0) return std::nullopt;
  const std::string name = files.state.filename().string();
  VolumeHandle vol(virStorageVolLookupByName(pool.get(), name.c_str()));
  if (!vol && create && !(vol = VolumeHandle(virStorageVolCreateXML(pool.get(), image_volume_xml(name).c_str(), 0))))
    throw HostError(fmt::format("libvirt {}: creating volume {}: {}", host, name, libvirt_error()));
  if (!vol) return std::nullopt;
  char* path = virStorageVolGetPath(vol.get());
  if (!path) throw HostError(fmt::format("libvirt {}: the path of volume {}: {}", host, name, libvirt_error()));
  std::string s(path);
  free(path);
  return s;
}

}  // namespace

SnapshotFiles libvirt_snapshot_files(const std::string& key) {
  // Not "kmx-": `gc --volumes` drops only uploads (unused_volumes.h).
  const std::string image = "kmatrix-snapshot-" + key + ".save";
  return {.memory = image, .state = image, .domain = "kmatrix-snapshot-" + key};
}

bool libvirt_snapshot_readable(virConnectPtr conn, const std::string& host, const SnapshotFiles& files) {
  const std::optional<std::string> path = image_path(conn, host, files, false);
  if (!path) return false;
  char* xml = virDomainSaveImageGetXMLDesc(conn, path->c_str(), 0);
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
  const PoolHandle pool(virStoragePoolLookupByName(conn, std::string(kStoragePool).c_str()));
  if (!pool || virStoragePoolRefresh(pool.get(), 0) < 0) return;
  const VolumeHandle vol(virStorageVolLookupByName(pool.get(), files.state.filename().c_str()));
  if (vol && virStorageVolDelete(vol.get(), 0) < 0)
    throw HostError(fmt::format("libvirt {}: deleting save image {}: {}", host, files.state.string(), libvirt_error()));
}

std::string save_libvirt_domain(virConnectPtr conn, const std::string& host, virDomainPtr dom,
                                const SnapshotFiles& files) {
  try {
    const std::string path = *image_path(conn, host, files, true);
    return virDomainSaveFlags(dom, path.c_str(), nullptr, 0) == 0 ? "" : libvirt_error();
  } catch (const HostError& e) {
    return e.what();
  }
}

DomainHandle restore_libvirt_domain(virConnectPtr conn, const std::string& host, const SnapshotFiles& files,
                                    const DomainTag& tag) {
  const std::optional<std::string> path = image_path(conn, host, files, false);
  const auto fail = [&](const std::string& what) {
    return HostError(fmt::format("libvirt {}: {} save image {}: {}", host, what, path.value_or(files.state.string()),
                                 libvirt_error()));
  };
  if (!path) throw fail("finding");
  char* saved = virDomainSaveImageGetXMLDesc(conn, path->c_str(), 0);
  if (!saved) throw fail("reading");
  std::string xml;
  try {
    xml = retagged_domain_xml(saved, tag);
  } catch (const std::exception& e) {
    free(saved);
    throw HostError(fmt::format("libvirt {}: save image {}: {}", host, *path, e.what()));
  }
  free(saved);
  if (virDomainRestoreFlags(conn, path->c_str(), xml.c_str(), VIR_DOMAIN_SAVE_PAUSED) < 0) throw fail("restoring");
  DomainHandle dom(virDomainLookupByName(conn, files.domain.c_str()));
  if (!dom) throw fail("finding the domain restored from");
  return dom;
}

}  // namespace kmx::vm
