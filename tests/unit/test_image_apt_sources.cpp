#include <gtest/gtest.h>

#include "image/apt_sources.h"
#include "test_image_helpers.h"
#include "util/error.h"

namespace kmx::image {
namespace {

using testing::ScratchDir;
using testing::write_file;
using Strings = std::vector<std::string>;

TEST(AptSources, OneLineFormat) {
  const auto s = parse_one_line_sources(
      "# a comment\n"
      "deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://mirror.example/debian bookworm main contrib\n"
      "\n"
      "deb-src http://mirror.example/debian bookworm main  # trailing comment\n"
      "deb http://security.example/debian-security bookworm-security main\n"
      "deb [broken http://x y z\n",
      "sources.list");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].types, Strings{"deb"});
  EXPECT_EQ(s[0].uris, Strings{"http://mirror.example/debian"});
  EXPECT_EQ(s[0].suites, Strings{"bookworm"});
  EXPECT_EQ(s[0].components, (Strings{"main", "contrib"}));
  EXPECT_EQ(s[0].signed_by, "/usr/share/keyrings/debian.gpg");
  EXPECT_EQ(s[0].origin, "sources.list:2");
  EXPECT_EQ(s[1].types, Strings{"deb-src"});
  EXPECT_EQ(s[2].suites, Strings{"bookworm-security"});
  EXPECT_EQ(s[2].signed_by, "");
}

TEST(AptSources, Deb822Format) {
  const auto s = parse_deb822_sources(
      "Types: deb deb-src\n"
      "# http://snapshot.debian.org/archive/debian/20250520T000000Z\n"
      "URIs: http://deb.debian.org/debian\n"
      "Suites: bookworm bookworm-updates\n"
      "Components: main\n"
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
      "\n"
      "Types: deb\n"
      "URIs: http://off.example/debian\n"
      "Suites: bookworm\n"
      "Enabled: no\n"
      "\n"
      "types: deb\n"
      "uris: http://inline.example/debian\n"
      "suites: bookworm\n"
      "components: main\n"
      "signed-by:\n"
      " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
      " .\n"
      " mQINBGPL\n"
      " -----END PGP PUBLIC KEY BLOCK-----\n",
      "debian.sources");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].types, (Strings{"deb", "deb-src"}));
  EXPECT_EQ(s[0].suites, (Strings{"bookworm", "bookworm-updates"}));
  EXPECT_EQ(s[0].signed_by, "/usr/share/keyrings/debian-archive-keyring.gpg");
  EXPECT_EQ(s[0].origin, "debian.sources:1");
  EXPECT_EQ(s[1].uris, Strings{"http://inline.example/debian"});
  EXPECT_EQ(s[1].signed_by,
            "\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGPL\n-----END PGP PUBLIC KEY BLOCK-----");
}

TEST(AptSources, ReadsEveryConfiguredFileAndNothingElse) {
  ScratchDir etc("apt-etc");
  write_file(etc / "sources.list", "deb http://one.example/debian bookworm main\n");
  write_file(etc / "sources.list.d/b.sources", "Types: deb\nURIs: http://two.example/debian\nSuites: bookworm\n");
  write_file(etc / "sources.list.d/a.list", "deb http://three.example/debian bookworm main\n");
  write_file(etc / "sources.list.d/c.list.disabled-by-farm", "deb http://four.example/debian bookworm main\n");
  const auto s = read_host_apt_sources(etc.path());
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].uris, Strings{"http://one.example/debian"});
  EXPECT_EQ(s[1].uris, Strings{"http://three.example/debian"});
  EXPECT_EQ(s[2].uris, Strings{"http://two.example/debian"});
}

std::vector<AptSource> host() {
  auto s = parse_deb822_sources(
      "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n"
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
      "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n"
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
      "Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\n",
      "debian.sources");
  auto more = parse_one_line_sources("deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n"
                                     "deb-src http://src.example/debian bookworm main\n",
                                     "google.list");
  s.insert(s.end(), more.begin(), more.end());
  return s;
}

TEST(PrivateSources, UsesTheHostsDebianAndSecurityMirrorsOnly) {
  EXPECT_EQ(private_sources(host(), "bookworm", {"trixie", "trixie-security"}),
            "# from debian.sources:1\n"
            "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\n"
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
            "# from debian.sources:7\n"
            "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: trixie-security\nComponents: main\n"
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n");
}

TEST(PrivateSources, SuiteAliasesAndInlineKeysCarryOver) {
  auto s = parse_one_line_sources("deb [signed-by=/k.gpg] http://m.example/debian stable main\n", "s.list");
  auto inline_key = parse_deb822_sources(
      "Types: deb\nURIs: http://n.example/debian\nSuites: bookworm\nSigned-By:\n KEY LINE 1\n .\n KEY LINE 2\n", "n");
  s.insert(s.end(), inline_key.begin(), inline_key.end());
  EXPECT_EQ(private_sources(s, "bookworm", {"bullseye"}),
            "# from s.list:1\nTypes: deb\nURIs: http://m.example/debian\nSuites: bullseye\nComponents: main\n"
            "Signed-By: /k.gpg\n\n"
            "# from n:1\nTypes: deb\nURIs: http://n.example/debian\nSuites: bullseye\nComponents: main\n"
            "Signed-By: \n KEY LINE 1\n .\n KEY LINE 2\n\n");
}

TEST(PrivateSources, NoDebianMirrorIsAHostError) {
  const auto only_debian = parse_one_line_sources("deb http://deb.debian.org/debian bookworm main\n", "s.list");
  try {
    private_sources(only_debian, "bookworm", {"trixie", "trixie-security"});
    FAIL();
  } catch (const HostError& e) {
    EXPECT_NE(std::string(e.what()).find("no security Debian mirror for trixie-security"), std::string::npos)
        << e.what();
  }
  const auto third_party = parse_one_line_sources("deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n", "g");
  EXPECT_THROW(private_sources(third_party, "bookworm", {"trixie"}), HostError);
}

}  // namespace
}  // namespace kmx::image
