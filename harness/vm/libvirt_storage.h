// Kernels and initramfs reach a libvirt host through its storage pool
// "kmatrix" (a directory pool), not through a shared filesystem: a remote
// host, or a local qemu running as its own user, reads them there. Uploads
// are cached per host by content: the volume's name is the file's
// SHA-256, and an empty ".done" volume beside it says the upload finished.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <vector>

#include <libvirt/libvirt.h>

#include "vm/unused_volumes.h"

namespace kmx::vm {

inline constexpr std::string_view kStoragePool = "kmatrix";
inline constexpr std::string_view kSystemPoolPath = "/var/lib/libvirt/images/kmatrix";

// Where kmatrix puts the pool when a host has none: a system daemon's images
// directory; for a session daemon on this machine (running as this user),
// under the user's data directory, `user_data` (libvirt's own place for
// session images). A session on another host has a home kmatrix cannot
// know: nullopt, and the user defines the pool there. Pure.
std::optional<std::filesystem::path> pool_path_for(std::string_view uri,
                                                   const std::optional<std::filesystem::path>& user_data);

// The path on the host of `file`'s volume, uploaded first unless the host
// has it already. HostError naming the host when the pool or the upload fails.
std::string upload_volume(virConnectPtr conn, const std::string& host, const std::filesystem::path& file);

// The volumes in the host's kmatrix pool, refreshed from its directory; none
// when the pool is not defined or not started. HostError naming the host.
std::vector<PoolVolume> pool_volumes(virConnectPtr conn, const std::string& host);

// Deletes the pool's volume `name` (virStorageVolDelete); HostError naming the
// host and the volume when libvirt refuses.
void delete_volume(virConnectPtr conn, const std::string& host, const std::string& name);

// The name of the volume holding a file with this SHA-256: kmx-<its first 32 hex digits>.
std::string volume_name(const std::string& sha256);

}  // namespace kmx::vm
