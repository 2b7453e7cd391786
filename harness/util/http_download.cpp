#include "util/http_download.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "util/error.h"
#include "util/sha256.h"

namespace kmx::util {

namespace {

struct Sink {
  std::FILE* file;
  Sha256 hash;
  std::uint64_t bytes = 0;

  static size_t write(char* data, size_t size, size_t n, void* self) {
    auto* s = static_cast<Sink*>(self);
    const size_t len = size * n;
    if (std::fwrite(data, 1, len, s->file) != len) return 0;  // makes curl fail with CURLE_WRITE_ERROR
    s->hash.update({data, len});
    s->bytes += len;
    return len;
  }
};

bool unreachable(CURLcode rc) {
  return rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_COULDNT_CONNECT ||
         rc == CURLE_OPERATION_TIMEDOUT;
}

// Removes the temporary file unless the download was committed.
struct TempFile {
  std::string path;
  std::FILE* file = nullptr;
  bool committed = false;
  ~TempFile() {
    if (file) std::fclose(file);
    if (!committed) ::unlink(path.c_str());
  }
};

}  // namespace

Downloaded http_download(const std::string& url, const std::filesystem::path& dest,
                         const std::optional<std::string>& expected_sha256) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  TempFile tmp{dest.string() + ".part-XXXXXX"};
  const int fd = ::mkstemp(tmp.path.data());
  if (fd < 0) throw_errno("creating a temporary file beside " + dest.string());
  tmp.file = ::fdopen(fd, "wb");
  if (!tmp.file) {
    ::close(fd);
    throw_errno("opening " + tmp.path);
  }

  const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw HostError("libcurl: cannot create a transfer");
  Sink sink{tmp.file, {}};
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);  // an HTTP error status is a failure, not a body
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 KiB/s for a minute) fails instead of hanging the run.
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &Sink::write);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "kmatrix/" KMATRIX_VERSION);

  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    const std::string why = *error ? error : curl_easy_strerror(rc);
    if (unreachable(rc))
      throw HostError(fmt::format("cannot download {}: {} (is this host offline, or without a route to it?)", url, why));
    throw HostError(fmt::format("downloading {} failed: {}", url, why));
  }
  if (std::fflush(tmp.file) != 0 || ::fsync(::fileno(tmp.file)) != 0) throw_errno("writing " + tmp.path);

  Downloaded result{sink.hash.hex_digest(), sink.bytes};
  if (expected_sha256 && result.sha256 != *expected_sha256)
    throw HostError(fmt::format("{}: SHA-256 {} does not match the expected {} (download corrupted, or the file "
                                "changed upstream)",
                                url, result.sha256, *expected_sha256));
  if (std::rename(tmp.path.c_str(), dest.c_str()) != 0) throw_errno("renaming " + tmp.path + " to " + dest.string());
  tmp.committed = true;
  return result;
}

}  // namespace kmx::util
