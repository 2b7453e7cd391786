// Downloading one file over HTTP(S) with libcurl, checked before it counts:
// the bytes go to a temporary sibling of the destination, are hashed on the
// way, and are renamed into place only once complete and (if a checksum is
// given) matching. A failed or interrupted download leaves nothing behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace kmx::util {

struct Downloaded {
  std::string sha256;
  std::uint64_t bytes = 0;
};

// HostError, one line naming the URL, if the server cannot be reached (with
// a hint that the host may be offline), answers with an error status, the
// transfer breaks off, or the SHA-256 differs from `expected_sha256`.
Downloaded http_download(const std::string& url, const std::filesystem::path& dest,
                         const std::optional<std::string>& expected_sha256);

}  // namespace kmx::util
