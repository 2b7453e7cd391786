// A vault RPM imported by hand becomes its catalog name (catalog_link.h):
// resolved afterwards with the vault out of reach (a port nobody listens on),
// and the packages that must not take the name over.
#include <gtest/gtest.h>

#include <cstdlib>

#include "image/catalog_link.h"
#include "image/image_fetch.h"
#include "image/image_import.h"
#include "image/kernel.h"
#include "local_http_server.h"
#include "test_image_helpers.h"
#include "util/error.h"
#include "util/sha256.h"

namespace kmx::image {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;
using testing::write_file;

constexpr const char* kRelease = "2.6.32-431.el6.x86_64";
constexpr const char* kVaultFile = "kernel-2.6.32-431.el6.x86_64.rpm";

// The catalog's centos:6.5, with its URL on this host's closed port: any
// download attempt fails.
std::string offline_catalog(const std::string& sha256_line = "") {
  return "[[image]]\nname = \"centos:6.5\"\ndistro = \"centos\"\ndescription = \"seed\"\n"
         "url = \"http://127.0.0.1:" + std::to_string(kmx::testing::refused_port()) + "/6.5/" + kVaultFile + "\"\n" +
         sha256_line + "release = \"" + kRelease + "\"\n";
}

// KMATRIX_CATALOG for one test, as `kmatrix run` reads it.
class CatalogEnv {
 public:
  explicit CatalogEnv(const fs::path& file) {
    if (const char* old = std::getenv("KMATRIX_CATALOG")) old_ = old;
    ::setenv("KMATRIX_CATALOG", file.c_str(), 1);
  }
  ~CatalogEnv() {
    if (old_) ::setenv("KMATRIX_CATALOG", old_->c_str(), 1);
    else ::unsetenv("KMATRIX_CATALOG");
  }

 private:
  std::optional<std::string> old_;
};

// A CentOS-layout kernel RPM holding `release`, saved as `file_name`.
fs::path vault_rpm(const ScratchDir& dir, const std::string& release, const std::string& file_name = kVaultFile) {
  const fs::path built = testing::build_rpm(
      dir / ("build-" + release), "kernel",
      {{"boot/vmlinuz-" + release, testing::fake_bzimage(release + " (mockbuild@c6b8.bsys.dev.centos.org) #1 SMP")},
       {"boot/config-" + release, "CONFIG_CGROUP_MEM_RES_CTLR=y\nCONFIG_BLK_DEV_RAM=y\n"}});
  fs::create_directories(dir / "in");
  fs::copy_file(built, dir / "in" / file_name, fs::copy_options::overwrite_existing);
  return dir / "in" / file_name;
}

struct Imported {
  ImageRecord record;
  std::optional<CatalogLink> link;
};

Imported import_and_link(const fs::path& rpm, const std::string& catalog_text, ImageStore& store) {
  const ImageRecord r = import_image({.path = rpm}, store);
  return {r, link_import(rpm, r, parse_catalog(catalog_text, "catalog.toml"), store)};
}

TEST(CatalogLink, AnImportedVaultRpmIsTheCatalogNameOffline) {
  KMX_REQUIRE_RPMBUILD();
  ScratchDir dir("link-ok");
  const fs::path rpm = vault_rpm(dir, kRelease);
  const std::string sha = util::sha256_file(rpm);
  const std::string catalog = offline_catalog();
  ImageStore store(dir / "cache");

  const Imported got = import_and_link(rpm, catalog, store);
  ASSERT_TRUE(got.link);
  EXPECT_TRUE(got.link->linked);
  EXPECT_EQ(got.link->message, "centos:6.5 now refers to this package (sha256 " + sha +
                                   "): matched file name kernel-2.6.32-431.el6.x86_64.rpm and release " + kRelease);
  EXPECT_EQ(store.pin("centos:6.5"), sha);  // as a first fetch would have pinned it
  EXPECT_EQ(store.ref("centos:6.5"), sha);

  // `kmatrix run --kernel centos:6.5` resolves it from the cache; the vault is unreachable.
  write_file(dir / "catalog.toml", catalog);
  const CatalogEnv env(dir / "catalog.toml");
  const Kernel k = resolve_kernel("centos:6.5", {}, dir / "cache");
  EXPECT_EQ(k.release, kRelease);
  EXPECT_EQ(k.bzimage, store.entry_dir(sha) / (std::string("boot/vmlinuz-") + kRelease));
  EXPECT_EQ(k.distro, "centos");
  // So does `kmatrix image fetch centos:6.5`: pinned and cached, nothing to download.
  EXPECT_EQ(fetch_image(parse_catalog(catalog, "catalog.toml").at("centos:6.5"), store).sha256, sha);
  EXPECT_FALSE(fs::exists(dir / "cache/images/downloads"));

  // Importing it again says the same and changes nothing.
  EXPECT_EQ(import_and_link(rpm, catalog, store).link->message, got.link->message);
  EXPECT_EQ(store.pin("centos:6.5"), sha);
}

TEST(CatalogLink, TheCatalogsOwnSha256DecidesWithoutAPin) {
  KMX_REQUIRE_RPMBUILD();
  ScratchDir dir("link-catalog-sha");
  const fs::path rpm = vault_rpm(dir, kRelease);
  const std::string sha = util::sha256_file(rpm);
  ImageStore store(dir / "cache");

  const Imported other = import_and_link(rpm, offline_catalog("sha256 = \"" + std::string(64, 'a') + "\"\n"), store);
  ASSERT_TRUE(other.link);
  EXPECT_FALSE(other.link->linked);
  EXPECT_EQ(other.link->message, "centos:6.5 does not refer to this package: catalog.toml:1 gives it sha256 " +
                                     std::string(64, 'a') + ", this package's is " + sha +
                                     ", so it is not the package the catalog names; a matrix can name it by its "
                                     "sha256 (" + sha.substr(0, 12) + ")");
  EXPECT_EQ(store.ref("centos:6.5"), std::nullopt);

  const Imported same = import_and_link(rpm, offline_catalog("sha256 = \"" + sha + "\"\n"), store);
  EXPECT_TRUE(same.link->linked);
  EXPECT_EQ(store.ref("centos:6.5"), sha);
  EXPECT_EQ(store.pin("centos:6.5"), std::nullopt);  // the catalog's checksum needs no pin
}

TEST(CatalogLink, AnotherReleaseUnderTheVaultFileNameIsNotLinked) {
  KMX_REQUIRE_RPMBUILD();
  ScratchDir dir("link-release");
  const fs::path rpm = vault_rpm(dir, "2.6.32-431.29.2.el6.x86_64");
  ImageStore store(dir / "cache");
  const Imported got = import_and_link(rpm, offline_catalog(), store);
  ASSERT_TRUE(got.link);
  EXPECT_FALSE(got.link->linked);
  EXPECT_EQ(got.link->message,
            "centos:6.5 does not refer to this package: its file name is kernel-2.6.32-431.el6.x86_64.rpm, as the "
            "catalog's, but it holds kernel 2.6.32-431.29.2.el6.x86_64, not 2.6.32-431.el6.x86_64; a matrix can name "
            "it by its sha256 (" + got.record.sha256.substr(0, 12) + ")");
  EXPECT_EQ(store.pin("centos:6.5"), std::nullopt);
  EXPECT_EQ(store.ref("centos:6.5"), std::nullopt);

  // The name still means the vault's package, which this host cannot download.
  write_file(dir / "catalog.toml", offline_catalog());
  const CatalogEnv env(dir / "catalog.toml");
  EXPECT_THROW(resolve_kernel("centos:6.5", {}, dir / "cache"), HostError);
}

TEST(CatalogLink, ANamePinnedToOtherBytesIsNotRepointed) {
  KMX_REQUIRE_RPMBUILD();
  ScratchDir dir("link-pinned");
  const fs::path rpm = vault_rpm(dir, kRelease);
  const std::string sha = util::sha256_file(rpm);
  const std::string earlier(64, 'e');
  ImageStore store(dir / "cache");
  store.set_pin("centos:6.5", earlier);
  store.set_ref("centos:6.5", earlier);

  const Imported got = import_and_link(rpm, offline_catalog(), store);
  ASSERT_TRUE(got.link);
  EXPECT_FALSE(got.link->linked);
  EXPECT_EQ(got.link->message, "centos:6.5 does not refer to this package: it is pinned to sha256 " + earlier +
                                   " by an earlier fetch or import, this package's is " + sha +
                                   "; to make it refer to this package, delete " + store.pin_file("centos:6.5").string() +
                                   " and import it again; a matrix can name it by its sha256 (" + sha.substr(0, 12) +
                                   ")");
  EXPECT_EQ(store.pin("centos:6.5"), earlier);
  EXPECT_EQ(store.ref("centos:6.5"), earlier);

  // What the message says to do works.
  fs::remove(store.pin_file("centos:6.5"));
  EXPECT_TRUE(import_and_link(rpm, offline_catalog(), store).link->linked);
  EXPECT_EQ(store.ref("centos:6.5"), sha);
}

TEST(CatalogLink, ARenamedDownloadIsPointedAtItsNameNotLinked) {
  KMX_REQUIRE_RPMBUILD();
  ScratchDir dir("link-renamed");
  ImageStore store(dir / "cache");
  const Imported renamed = import_and_link(vault_rpm(dir, kRelease, "kernel-2.6.32-431.el6.x86_64 (1).rpm"),
                                           offline_catalog(), store);
  ASSERT_TRUE(renamed.link);
  EXPECT_FALSE(renamed.link->linked);
  EXPECT_EQ(renamed.link->message.substr(0, renamed.link->message.find(';')),
            "centos:6.5 does not refer to this package: it holds centos:6.5's kernel 2.6.32-431.el6.x86_64, but its "
            "file name is kernel-2.6.32-431.el6.x86_64 (1).rpm, not kernel-2.6.32-431.el6.x86_64.rpm");
  EXPECT_EQ(store.ref("centos:6.5"), std::nullopt);

  // Neither name nor release of any catalog entry: nothing to say.
  EXPECT_FALSE(import_and_link(vault_rpm(dir, "3.10.0-1160.el7.x86_64", "kernel-3.10.0-1160.el7.x86_64.rpm"),
                               offline_catalog(), store)
                   .link);
}

}  // namespace
}  // namespace kmx::image
