// Downloads against a real HTTP server on 127.0.0.1, and URL images (CentOS
// RPMs) fetched through it into the image cache.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/image_fetch.h"
#include "local_http_server.h"
#include "test_image_helpers.h"
#include "util/error.h"
#include "util/http_download.h"
#include "util/sha256.h"

namespace kmx::image {
namespace {

namespace fs = std::filesystem;
using kmx::testing::LocalHttpServer;
using kmx::testing::refused_port;
using testing::dir_entries;
using testing::ScratchDir;
using testing::write_file;

constexpr const char* kRelease = "2.6.32-431.el6.x86_64";

int count_lines(const std::string& s) { return static_cast<int>(std::ranges::count(s, '\n')); }

TEST(HttpDownload, CompleteAndVerified) {
  ScratchDir dir("http-ok");
  write_file(dir / "www/k.bin", std::string(100'000, 'k'));
  LocalHttpServer server(dir / "www", dir / "log");
  const auto got = util::http_download(server.url("/k.bin"), dir / "k.bin", util::sha256_hex(std::string(100'000, 'k')));
  EXPECT_EQ(got.bytes, 100'000u);
  EXPECT_EQ(testing::read_file(dir / "k.bin"), std::string(100'000, 'k'));
  EXPECT_EQ(server.requests(), "GET /k.bin HTTP/1.1\n");
}

TEST(HttpDownload, AChecksumMismatchLeavesNothing) {
  ScratchDir dir("http-sha");
  write_file(dir / "www/k.bin", "bytes");
  LocalHttpServer server(dir / "www", dir / "log");
  fs::create_directories(dir / "out");
  try {
    util::http_download(server.url("/k.bin"), dir / "out/k.bin", std::string(64, '0'));
    FAIL();
  } catch (const HostError& e) {
    EXPECT_NE(std::string(e.what()).find("does not match the expected 0000"), std::string::npos) << e.what();
  }
  EXPECT_EQ(dir_entries(dir / "out"), std::vector<std::string>{});
}

TEST(HttpDownload, ATruncatedTransferLeavesNothing) {
  ScratchDir dir("http-cut");
  write_file(dir / "www/k.bin", std::string(200'000, 'k'));
  LocalHttpServer server(dir / "www", dir / "log", {.truncated = {"/k.bin"}});
  fs::create_directories(dir / "out");
  EXPECT_THROW(util::http_download(server.url("/k.bin"), dir / "out/k.bin", std::nullopt), HostError);
  EXPECT_EQ(dir_entries(dir / "out"), std::vector<std::string>{});
}

TEST(HttpDownload, MissingFileAndNoServerAreClearHostErrors) {
  ScratchDir dir("http-err");
  fs::create_directories(dir / "www");
  LocalHttpServer server(dir / "www", dir / "log");
  try {
    util::http_download(server.url("/absent.rpm"), dir / "x", std::nullopt);
    FAIL();
  } catch (const HostError& e) {
    EXPECT_NE(std::string(e.what()).find("404"), std::string::npos) << e.what();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(refused_port()) + "/k.rpm";
  try {
    util::http_download(url, dir / "x", std::nullopt);
    FAIL();
  } catch (const HostError& e) {
    EXPECT_EQ(std::string(e.what()).find("cannot download " + url + ": "), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("offline"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "x"));
}

// A served CentOS-like kernel RPM and a catalog entry for it.
struct RpmSite {
  ScratchDir dir;
  std::optional<LocalHttpServer> server;
  CatalogEntry entry;

  explicit RpmSite(const std::string& name, LocalHttpServer::Options options = LocalHttpServer::Options()) : dir("fetch-" + name) {
    publish("kernel", std::string(kRelease));
    server.emplace(dir / "www", dir / "log", options);
    entry = {.name = "centos:test", .distro = "centos", .url = server->url("/kernel.rpm"), .release = kRelease};
  }
  void publish(const std::string& rpm_name, const std::string& release, bool with_kernel = true) {
    std::vector<std::pair<std::string, std::string>> files = {
        {"boot/config-" + release, "CONFIG_CGROUP_MEM_RES_CTLR=y\n"},
        {"lib/modules/" + release + "/kernel/drivers/block/brd.ko", testing::fake_module({"depends="})}};
    if (with_kernel)
      files.emplace_back("boot/vmlinuz-" + release, testing::fake_bzimage(release + " (mockbuild@centos) #1 SMP"));
    const fs::path rpm = testing::build_rpm(dir / "build", rpm_name, files);
    fs::create_directories(dir / "www");
    fs::copy_file(rpm, dir / "www/kernel.rpm", fs::copy_options::overwrite_existing);
  }
  fs::path cache() const { return dir / "cache"; }
  std::vector<std::string> cached() const {
    std::vector<std::string> shas;
    for (const std::string& n : dir_entries(cache() / "images"))
      if (n.size() == 64) shas.push_back(n);
    return shas;
  }
};

TEST(FetchUrl, FirstFetchPinsLaterFetchesUseThePin) {
  KMX_REQUIRE_RPMBUILD();
  RpmSite site("tofu");
  ImageStore store(site.cache());
  const std::string sha = util::sha256_file(site.dir / "www/kernel.rpm");
  const ImageRecord r = fetch_image(site.entry, store);
  EXPECT_EQ(r.sha256, sha);
  EXPECT_EQ(r.release, kRelease);
  EXPECT_EQ(r.distro, "centos");
  EXPECT_EQ(r.oom_family, "1000-scale");
  EXPECT_EQ(r.config, std::string("boot/config-") + kRelease);
  EXPECT_EQ(r.modules_dir, std::string("lib/modules/") + kRelease);
  EXPECT_EQ(store.pin("centos:test"), sha);
  EXPECT_EQ(store.ref("centos:test"), sha);
  EXPECT_EQ(dir_entries(site.cache() / "images/downloads/centos-test"), std::vector<std::string>{});

  // Pinned and cached: no second download.
  EXPECT_EQ(fetch_image(site.entry, store).sha256, sha);
  EXPECT_EQ(count_lines(site.server->requests()), 1);

  // The entry is gone and the server now serves something else: the pin refuses it.
  fs::remove_all(store.entry_dir(sha));
  site.publish("other", kRelease);
  EXPECT_THROW(fetch_image(site.entry, store), HostError);
  EXPECT_EQ(site.cached(), std::vector<std::string>{});
  EXPECT_EQ(store.pin("centos:test"), sha);
}

TEST(FetchUrl, ACatalogChecksumIsVerified) {
  KMX_REQUIRE_RPMBUILD();
  RpmSite site("sha");
  ImageStore store(site.cache());
  site.entry.sha256 = std::string(64, 'a');
  EXPECT_THROW(fetch_image(site.entry, store), HostError);
  EXPECT_EQ(site.cached(), std::vector<std::string>{});
  EXPECT_EQ(store.pin("centos:test"), std::nullopt);
  site.entry.sha256 = util::sha256_file(site.dir / "www/kernel.rpm");
  EXPECT_EQ(fetch_image(site.entry, store).sha256, *site.entry.sha256);
  EXPECT_EQ(store.pin("centos:test"), std::nullopt);  // the catalog's checksum needs no pin
}

TEST(FetchUrl, BadPackagesLeaveNothingInTheCache) {
  KMX_REQUIRE_RPMBUILD();
  RpmSite site("bad", {.truncated = {"/kernel.rpm"}});
  ImageStore store(site.cache());
  EXPECT_THROW(fetch_image(site.entry, store), HostError);  // the transfer broke off
  EXPECT_EQ(site.cached(), std::vector<std::string>{});

  RpmSite empty("nokernel");
  empty.publish("nokernel", kRelease, false);
  ImageStore empty_store(empty.cache());
  try {
    fetch_image(empty.entry, empty_store);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("holds no kernel"), std::string::npos) << e.what();
  }
  EXPECT_EQ(empty.cached(), std::vector<std::string>{});
  EXPECT_EQ(empty_store.pin("centos:test"), std::nullopt);  // nothing trusted that was no kernel
  for (const std::string& name : dir_entries(empty.cache() / "images"))  // no entry, no staging directory
    EXPECT_TRUE(name == "downloads" || name == "locks" || name.ends_with(".lock")) << name;
  EXPECT_EQ(dir_entries(empty.cache() / "images/downloads/centos-test"), std::vector<std::string>{});

  RpmSite wrong("release");
  wrong.entry.release = "3.10.0-1160.el7.x86_64";
  ImageStore wrong_store(wrong.cache());
  EXPECT_THROW(fetch_image(wrong.entry, wrong_store), UsageError);
  EXPECT_EQ(wrong.cached(), std::vector<std::string>{});
}

TEST(FetchUrl, OfflineIsAHostErrorAndLeavesNothing) {
  ScratchDir dir("fetch-offline");
  ImageStore store(dir / "cache");
  const CatalogEntry entry{.name = "centos:6.5",
                           .distro = "centos",
                           .url = "http://127.0.0.1:" + std::to_string(refused_port()) + "/kernel.rpm"};
  EXPECT_THROW(fetch_image(entry, store), HostError);
  EXPECT_EQ(store.ref("centos:6.5"), std::nullopt);
  EXPECT_EQ(dir_entries(dir / "cache/images/downloads/centos-6.5"), std::vector<std::string>{});
}

TEST(FetchUrl, TwoProcessesFetchingTogetherDownloadOnce) {
  KMX_REQUIRE_RPMBUILD();
  // The server answers slowly, so the second fetch starts while the first downloads.
  RpmSite site("race", {.delay = std::chrono::milliseconds(800)});
  std::vector<pid_t> children;
  for (int i = 0; i < 2; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      int code = 0;
      try {
        ImageStore store(site.cache());
        fetch_image(site.entry, store);
      } catch (...) {
        code = 1;
      }
      ::_exit(code);
    }
    children.push_back(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (const pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(count_lines(site.server->requests()), 1) << site.server->requests();
  EXPECT_EQ(site.cached().size(), 1u);
}

}  // namespace
}  // namespace kmx::image
