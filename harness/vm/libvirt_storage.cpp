#include "vm/libvirt_storage.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "util/error.h"
#include "util/sha256.h"
#include "util/xdg.h"
#include "vm/libvirt_handle.h"
#include "vm/xml_writer.h"

namespace kmx::vm {

namespace {

std::string pool_xml(const std::filesystem::path& path) {
  XmlWriter w;
  w.start("pool").attr("type", "dir");
  w.element("name", kStoragePool);
  w.start("target").element("path", path.string()).end();
  w.end();
  return w.finish();
}

}  // namespace

std::optional<std::filesystem::path> pool_path_for(std::string_view uri,
                                                   const std::optional<std::filesystem::path>& user_data) {
  // driver[+transport]://[user@host]/path[?query]
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return std::filesystem::path(kSystemPoolPath);
  const std::string_view rest = uri.substr(scheme_end + 3);
  const std::string_view no_query = rest.substr(0, rest.find('?'));
  const size_t path_start = std::min(no_query.find('/'), no_query.size());
  const std::string_view path = no_query.substr(path_start);
  if (path != "/session") return std::filesystem::path(kSystemPoolPath);
  const bool this_machine = path_start == 0;  // no host part
  if (!this_machine || !user_data) return std::nullopt;
  return *user_data / "libvirt" / "images" / "kmatrix";
}

namespace {

std::string volume_xml(const std::string& name, uint64_t bytes) {
  XmlWriter w;
  w.start("volume");
  w.element("name", name);
  w.start("capacity").attr("unit", "bytes").text(std::to_string(bytes)).end();
  w.start("target");
  w.start("format").attr("type", "raw").end();
  // Readable by QEMU whichever user it runs as.
  w.start("permissions").element("mode", "0644").end();
  w.end();
  w.end();
  return w.finish();
}

// The pool, defined, built and started on first use on this host.
PoolHandle kmatrix_pool(virConnectPtr conn, const std::string& host) {
  const auto fail = [&](const std::string& what) {
    return HostError(fmt::format("libvirt {}: {} storage pool {:?}: {}", host, what, kStoragePool, libvirt_error()));
  };
  PoolHandle pool(virStoragePoolLookupByName(conn, std::string(kStoragePool).c_str()));
  if (!pool) {
    const auto path = pool_path_for(host, util::xdg_dir("XDG_DATA_HOME", ".local/share"));
    if (!path)
      throw HostError(fmt::format("libvirt {}: no storage pool {:?} there, and a session's home on another host is "
                                  "unknown here; define it on that host: virsh pool-define-as {} dir --target DIR; "
                                  "virsh pool-build {}; virsh pool-start {}",
                                  host, kStoragePool, kStoragePool, kStoragePool, kStoragePool));
    pool.reset(virStoragePoolDefineXML(conn, pool_xml(*path).c_str(), 0));
    if (!pool) throw fail("defining");
    if (virStoragePoolBuild(pool.get(), 0) < 0) throw fail("building");
    virStoragePoolSetAutostart(pool.get(), 1);
  }
  if (virStoragePoolIsActive(pool.get()) == 0) {
    // Defined but its directory gone (a wiped or copied host): build it again first.
    virStoragePoolBuild(pool.get(), 0);
    if (virStoragePoolCreate(pool.get(), 0) < 0) throw fail("starting");
  }
  return pool;
}

std::string volume_path(virStorageVolPtr vol, const std::string& host) {
  char* path = virStorageVolGetPath(vol);
  if (!path) throw HostError(fmt::format("libvirt {}: the path of a volume: {}", host, libvirt_error()));
  std::string s(path);
  free(path);
  return s;
}

void upload(virConnectPtr conn, virStorageVolPtr vol, const std::filesystem::path& file, uint64_t bytes,
            const std::string& host) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("opening " + file.string());
  StreamHandle stream(virStreamNew(conn, 0));
  const auto source = [](virStreamPtr, char* data, size_t n, void* opaque) -> int {
    return static_cast<int>(::read(*static_cast<int*>(opaque), data, n));
  };
  int source_fd = fd;
  const bool ok = stream && virStorageVolUpload(vol, stream.get(), 0, bytes, 0) == 0 &&
                  virStreamSendAll(stream.get(), source, &source_fd) == 0 && virStreamFinish(stream.get()) == 0;
  const std::string error = ok ? "" : libvirt_error();
  if (!ok && stream) virStreamAbort(stream.get());
  ::close(fd);
  if (!ok) throw HostError(fmt::format("libvirt {}: uploading {}: {}", host, file.string(), error));
}

}  // namespace

std::string volume_name(const std::string& sha256) { return "kmx-" + sha256.substr(0, 32); }

std::string upload_volume(virConnectPtr conn, const std::string& host, const std::filesystem::path& file) {
  const PoolHandle pool = kmatrix_pool(conn, host);
  const std::string name = volume_name(util::sha256_file(file));
  const std::string done = name + ".done";
  VolumeHandle vol(virStorageVolLookupByName(pool.get(), name.c_str()));
  if (vol && VolumeHandle(virStorageVolLookupByName(pool.get(), done.c_str()))) return volume_path(vol.get(), host);
  // Absent, or an upload that did not finish: start again.
  if (vol) virStorageVolDelete(vol.get(), 0);
  const uint64_t bytes = std::filesystem::file_size(file);
  vol.reset(virStorageVolCreateXML(pool.get(), volume_xml(name, bytes).c_str(), 0));
  if (!vol) throw HostError(fmt::format("libvirt {}: creating volume {}: {}", host, name, libvirt_error()));
  const auto started = std::chrono::steady_clock::now();
  upload(conn, vol.get(), file, bytes, host);
  fmt::print(stderr, "kmatrix: uploaded {} ({:.1f} MiB) to {} in {:.2f} s\n", file.filename().string(),
             static_cast<double>(bytes) / (1 << 20), host,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!VolumeHandle(virStorageVolCreateXML(pool.get(), volume_xml(done, 0).c_str(), 0)))
    throw HostError(fmt::format("libvirt {}: creating volume {}: {}", host, done, libvirt_error()));
  return volume_path(vol.get(), host);
}

std::vector<PoolVolume> pool_volumes(virConnectPtr conn, const std::string& host) {
  const PoolHandle pool(virStoragePoolLookupByName(conn, std::string(kStoragePool).c_str()));
  if (!pool || virStoragePoolIsActive(pool.get()) != 1) return {};
  const auto fail = [&](const std::string& what) {
    return HostError(fmt::format("libvirt {}: {} storage pool {:?}: {}", host, what, kStoragePool, libvirt_error()));
  };
  if (virStoragePoolRefresh(pool.get(), 0) < 0) throw fail("refreshing");
  virStorageVolPtr* vols = nullptr;
  const int n = virStoragePoolListAllVolumes(pool.get(), &vols, 0);
  if (n < 0) throw fail("listing the volumes of");
  std::vector<VolumeHandle> all;
  for (int i = 0; i < n; ++i) all.emplace_back(vols[i]);
  free(vols);
  std::vector<PoolVolume> volumes;
  for (const VolumeHandle& vol : all) volumes.push_back({virStorageVolGetName(vol.get()), volume_path(vol.get(), host)});
  return volumes;
}

void delete_volume(virConnectPtr conn, const std::string& host, const std::string& name) {
  const PoolHandle pool(virStoragePoolLookupByName(conn, std::string(kStoragePool).c_str()));
  const VolumeHandle vol(pool ? virStorageVolLookupByName(pool.get(), name.c_str()) : nullptr);
  if (!vol || virStorageVolDelete(vol.get(), 0) < 0)
    throw HostError(fmt::format("libvirt {}: deleting volume {} of storage pool {:?}: {}", host, name, kStoragePool,
                                libvirt_error()));
}

}  // namespace kmx::vm
