// The host's apt sources (/etc/apt/sources.list, sources.list.d/*.list and
// deb822 *.sources), read to learn which Debian mirror this machine uses, and
// the private sources kmatrix builds from it for a Debian suite. Parsing and
// building are pure; only read_host_apt_sources touches files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kmx::image {

struct AptSource {
  std::vector<std::string> types;  // "deb", "deb-src"
  std::vector<std::string> uris;
  std::vector<std::string> suites;
  std::vector<std::string> components;
  std::string signed_by;  // a keyring path, or an inline key block; empty if none
  std::string origin;     // "file:line", for messages
};

// One-line format: "deb [signed-by=/k.gpg arch=amd64] http://deb.debian.org/debian bookworm main".
std::vector<AptSource> parse_one_line_sources(std::string_view text, const std::string& file);

// deb822 format: paragraphs of "Types:", "URIs:", "Suites:", "Components:",
// "Signed-By:" (possibly a multi-line key), "Enabled: no" skips a paragraph.
std::vector<AptSource> parse_deb822_sources(std::string_view text, const std::string& file);

// Everything configured under `etc_apt` (normally /etc/apt).
std::vector<AptSource> read_host_apt_sources(const std::filesystem::path& etc_apt);

// A deb822 sources file for `suites` ("trixie", "trixie-security") on the
// host's Debian mirrors: "X-security" suites go to the URIs that serve the
// host's security suite, the others to those that serve its main suite.
// `host_codename` ("bookworm") tells Debian entries from third-party ones.
// HostError if the host has no Debian mirror for a suite.
std::string private_sources(const std::vector<AptSource>& host, std::string_view host_codename,
                            const std::vector<std::string>& suites);

}  // namespace kmx::image
