// SHA-256 digests as lowercase hex: cache keys and kernel identities.
#pragma once

#include <openssl/evp.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace kmx::util {

// Incremental hashing, for keys built from several files without
// concatenating them in memory.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  std::string hex_digest();  // finishes the hash; call once

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

std::string sha256_hex(std::string_view bytes);
std::string sha256_file(const std::filesystem::path& path);  // HostError if unreadable

}  // namespace kmx::util
