// The libvirt domain XML of one kmatrix guest, and the kmatrix tag that
// `gc` and `--resume` read back from a running domain (and, for
// `gc --volumes`, the files it boots from). Pure: written with
// libxml2's xmlTextWriter, read with libxml2's parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmx::vm {

// Who started a domain: enough for `gc` to tell a live run's domain from a
// leftover without trusting the name.
struct DomainTag {
  std::string run;   // the run's ID (run_id of its directory)
  std::string cell;  // cell ID
  int repeat = 0;
  int64_t pid = 0;   // the kmatrix process that started it
  std::string host;  // the machine that kmatrix runs on (nodename)
  bool operator==(const DomainTag&) const = default;
};

struct DomainSpec {
  std::string name;         // kmatrix-<run>-<cell>-<repeat>
  std::string type = "qemu";  // kvm | qemu (TCG)
  uint64_t memory = 512ull << 20;
  int cpus = 1;
  std::string kernel;       // paths on the libvirt host (storage volumes)
  std::string initramfs;
  std::string cmdline;
  DomainTag tag;
};

inline constexpr std::string_view kDomainTagNamespace = "urn:kmatrix:domain:1";
inline constexpr std::string_view kDomainTagPrefix = "kmatrix";

// kmatrix-<run>-<cell>-<repeat>
std::string domain_name(const DomainTag& tag);

// std::invalid_argument when a string holds what XML cannot carry (see check_xml_text).
std::string domain_xml(const DomainSpec& spec);

// The <kmatrix:cell .../> element alone, as virDomainSetMetadata and
// virDomainGetMetadata see it.
std::string domain_tag_xml(const DomainTag& tag);

// The tag read back from domain_tag_xml's output (or a whole domain's XML);
// nullopt when the document holds no well-formed kmatrix tag.
std::optional<DomainTag> parse_domain_tag(std::string_view xml);

// The kernel and initrd paths a domain's XML boots from (its <os>), those it has;
// empty when the document is not well-formed. `gc --volumes` keeps their volumes.
std::vector<std::string> parse_boot_files(std::string_view xml);

}  // namespace kmx::vm
