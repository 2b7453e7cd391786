#include "runner/snapshot_key.h"

#include "util/sha256.h"

namespace kmx::runner {

nlohmann::json snapshot_key_json(const SnapshotKeyParts& p) {
  return {{"kernel_sha256", p.kernel_sha256}, {"initramfs_sha256", p.initramfs_sha256},
          {"cmdline", p.cmdline},             {"memory", p.memory},
          {"cpus", p.cpus},                   {"accel", p.accel},
          {"backend", p.backend}};
}

std::string snapshot_key(const SnapshotKeyParts& parts) {
  return util::sha256_hex(snapshot_key_json(parts).dump()).substr(0, 16);
}

}  // namespace kmx::runner
