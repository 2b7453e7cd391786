#include <gtest/gtest.h>

#include "image/catalog.h"
#include "util/error.h"

namespace kmx::image {
namespace {

std::string error_of(std::string_view text) {
  try {
    parse_catalog(text, "c.toml");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Catalog, TheShippedCatalogHasTheNamedKernels) {
  const Catalog c = load_catalog(KMATRIX_CATALOG_PATH);
  for (const char* name : {"debian:bullseye", "debian:bookworm", "debian:trixie", "debian:bookworm-backports",
                           "centos:6.5", "centos:6.10", "centos:7.9"})
    EXPECT_NE(c.find(name), nullptr) << name;
  const CatalogEntry& trixie = c.at("debian:trixie");
  EXPECT_TRUE(trixie.is_debian());
  EXPECT_EQ(trixie.suites, (std::vector<std::string>{"trixie", "trixie-security"}));
  EXPECT_EQ(trixie.package, "linux-image-amd64");
  const CatalogEntry& c65 = c.at("centos:6.5");
  EXPECT_FALSE(c65.is_debian());
  EXPECT_EQ(c65.release, "2.6.32-431.el6.x86_64");
  EXPECT_EQ(c65.url, "https://vault.centos.org/6.5/os/x86_64/Packages/kernel-2.6.32-431.el6.x86_64.rpm");
  EXPECT_EQ(c.at("centos:7.9").release, "3.10.0-1160.el7.x86_64");
}

TEST(Catalog, ParsesBothKindsOfEntry) {
  const Catalog c = parse_catalog(R"(
[[image]]
name = "debian:sid"
distro = "debian"
suites = ["sid"]
package = "linux-image-amd64"

[[image]]
name = "mine:1"
distro = "centos"
url = "http://127.0.0.1/k.rpm"
sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
release = "3.10.0-1.el7.x86_64"
)",
                                  "c.toml");
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[0].line, 2);
  EXPECT_EQ(c.entries[1].sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_EQ(c.entries[1].release, "3.10.0-1.el7.x86_64");
}

TEST(Catalog, UnknownNamesListTheKnownOnes) {
  const Catalog c = parse_catalog("[[image]]\nname = \"a:1\"\ndistro = \"d\"\nurl = \"http://x/a\"\n", "c.toml");
  try {
    c.at("a:2");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "kernel a:2: not in the catalog c.toml; known: a:1");
  }
}

TEST(Catalog, EachMistakeIsOneLineWithItsPlace) {
  EXPECT_EQ(error_of("[[image]]\nname = \"a:1\"\ndistro = \"d\"\nurl = \"http://x\"\nsha = \"x\"\n"),
            "c.toml:5:1: unknown key 'sha' in [[image]] (known: name, distro, description, suites, package, url, "
            "sha256, release)");
  EXPECT_EQ(error_of("[[image]]\nname = \"a:1\"\ndistro = \"d\"\nurl = \"http://x\"\nsha256 = \"ABC\"\n"),
            "c.toml:5:10: sha256 must be 64 lowercase hex digits");
  EXPECT_EQ(error_of("[[image]]\nname = \"a1\"\ndistro = \"d\"\nurl = \"http://x\"\n"),
            "c.toml:1:1: image name 'a1' must read distro:version, without '/'");
  EXPECT_EQ(error_of("[[image]]\nname = \"a:1\"\ndistro = \"d\"\n"),
            "c.toml:1:1: image a:1 needs either suites + package (Debian) or url");
  EXPECT_EQ(error_of("[[image]]\nname = \"a:1\"\ndistro = \"d\"\nsuites = [\"x\"]\n"),
            "c.toml:1:1: image a:1: a Debian image needs both suites and package");
  EXPECT_EQ(error_of("[[image]]\nname = \"a:1\"\ndistro = \"d\"\nurl = \"http://x\"\n"
                     "[[image]]\nname = \"a:1\"\ndistro = \"d\"\nurl = \"http://y\"\n"),
            "c.toml:5:1: image a:1 is listed twice (line 1)");
  EXPECT_EQ(error_of("images = 1\n"), "c.toml:1:1: unknown key 'images' (expected [[image]] tables)");
  EXPECT_NE(error_of("[[image]\n").find("c.toml:1:"), std::string::npos);
}

}  // namespace
}  // namespace kmx::image
