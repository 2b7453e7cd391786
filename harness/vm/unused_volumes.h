// Which of a host's uploaded kernels and initramfs `gc --volumes` may
// delete: the kmatrix volumes that no kept domain boots from. Pure; the
// pool listing and the deletes are libvirt_storage's.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace kmx::vm {

struct PoolVolume {
  std::string name;  // kmx-<sha256 prefix>, or that name + ".done" (the finished-upload marker)
  std::string path;  // on the host, as a domain's <kernel>/<initrd> names it
};

// The names to delete, in the order to delete them: each marker before its
// volume, so that an interrupted gc leaves a volume without a marker (uploaded
// again on next use), never a marker without its volume. A marker whose volume
// is gone goes too; volumes not named kmx-* are not kmatrix's and stay.
// `in_use`: the kernel and initrd paths of the domains that stay.
std::vector<std::string> unused_volumes(const std::vector<PoolVolume>& volumes, const std::set<std::string>& in_use);

}  // namespace kmx::vm
