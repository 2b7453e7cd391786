// Kernels and initramfs reach a libvirt host through its storage pool
// "kmatrix" (a directory pool), not through a shared filesystem: a remote
// host, or a local qemu running as its own user, reads them there. Uploads
// are cached per host by content: the volume's name is the file's
// SHA-256, and an empty ".done" volume beside it says the upload finished.
#pragma once

#include <filesystem>
#include <string>

#include <libvirt/libvirt.h>

namespace kmx::vm {

inline constexpr std::string_view kStoragePool = "kmatrix";
inline constexpr std::string_view kStoragePoolPath = "/var/lib/libvirt/images/kmatrix";

// The path on the host of `file`'s volume, uploaded first unless the host
// has it already. HostError naming the host when the pool or the upload fails.
std::string upload_volume(virConnectPtr conn, const std::string& host, const std::filesystem::path& file);

// The name of the volume holding a file with this SHA-256: kmx-<its first 32 hex digits>.
std::string volume_name(const std::string& sha256);

}  // namespace kmx::vm
