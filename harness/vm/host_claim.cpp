#include "vm/host_claim.h"

#include "util/sha256.h"

namespace kmx::vm {

namespace fs = std::filesystem;

fs::path host_claim_file(const std::string& uri) {
  const fs::path dir = "/tmp/kmatrix-libvirt-hosts";
  if (fs::create_directory(dir)) fs::permissions(dir, fs::perms::all | fs::perms::sticky_bit);
  return dir / (util::sha256_hex(uri).substr(0, 16) + ".lock");
}

}  // namespace kmx::vm
