// The libvirt domain XML: golden files for a TCG and a KVM guest, hostile
// strings escaped and read back exactly by libxml2, strings XML cannot carry
// refused, and the kmatrix tag that gc trusts read back from a domain.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util/read_file.h"
#include "vm/libvirt_domain_xml.h"

namespace kmx::vm {
namespace {

namespace fs = std::filesystem;

DomainTag tag() { return {.run = "5f2a9c01", .cell = "ab12cd34ef56", .repeat = 2, .pid = 4242, .host = "builder1"}; }

DomainSpec spec() {
  return {.name = domain_name(tag()),
          .type = "qemu",
          .memory = 512ull << 20,
          .cpus = 2,
          .kernel = "/var/lib/libvirt/images/kmatrix/kmx-0123456789abcdef.bzImage",
          .initramfs = "/var/lib/libvirt/images/kmatrix/kmx-fedcba9876543210.cpio.gz",
          .cmdline = "console=ttyS0 panic=-1 km.cell=1",
          .tag = tag()};
}

void expect_golden(const std::string& got, const std::string& name) {
  const fs::path golden = fs::path(KMATRIX_TEST_DATA) / "libvirt" / name;
  if (const char* update = std::getenv("KMATRIX_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(golden) << got;
    GTEST_SKIP() << "rewrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing (KMATRIX_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(got, util::read_file(golden));
}

using Doc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

Doc parse(const std::string& xml) {
  return Doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, XML_PARSE_NONET), &xmlFreeDoc);
}

// The text of the first element named `name` under `node`, depth first.
std::optional<std::string> text_of(const xmlNode* node, const std::string& name) {
  for (; node; node = node->next) {
    if (node->type == XML_ELEMENT_NODE && name == reinterpret_cast<const char*>(node->name)) {
      xmlChar* content = xmlNodeGetContent(node);
      std::string s(reinterpret_cast<const char*>(content));
      xmlFree(content);
      return s;
    }
    if (auto found = text_of(node->children, name)) return found;
  }
  return std::nullopt;
}

TEST(LibvirtDomainXml, NameCarriesRunCellAndRepeat) {
  EXPECT_EQ(domain_name(tag()), "kmatrix-5f2a9c01-ab12cd34ef56-2");
}

TEST(LibvirtDomainXml, TcgGuestMatchesGolden) { expect_golden(domain_xml(spec()), "domain_tcg.xml"); }

TEST(LibvirtDomainXml, KvmGuestMatchesGolden) {
  DomainSpec s = spec();
  s.type = "kvm";
  s.cpus = 1;
  s.memory = 1ull << 30;
  expect_golden(domain_xml(s), "domain_kvm.xml");
}

TEST(LibvirtDomainXml, HostileStringsAreEscapedAndReadBackExactly) {
  DomainSpec s = spec();
  s.name = "kmatrix-<x>&'\"-1";
  s.kernel = "/pool/a b/<kernel>&\"it's\".bzImage";
  s.initramfs = "/pool/]]></initrd><initrd>/etc/shadow";
  s.cmdline = "console=ttyS0 km.x=\"a<b>&c\" km.y='</cmdline><cmdline>evil' \t tab";
  s.tag.host = "host\"/><kmatrix:cell run=\"forged";
  const std::string xml = domain_xml(s);
  const Doc doc = parse(xml);
  ASSERT_TRUE(doc) << xml;
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  EXPECT_EQ(text_of(root, "name"), s.name);
  EXPECT_EQ(text_of(root, "kernel"), s.kernel);
  EXPECT_EQ(text_of(root, "initrd"), s.initramfs);
  EXPECT_EQ(text_of(root, "cmdline"), s.cmdline);
  EXPECT_EQ(parse_domain_tag(xml), s.tag);
}

TEST(LibvirtDomainXml, RefusesWhatXmlCannotCarry) {
  for (const std::string bad : {std::string("console=ttyS0\x01"), std::string("a\0b", 3), std::string("\x1b[31m"),
                                std::string("caf\xe9")}) {
    DomainSpec s = spec();
    s.cmdline = bad;
    EXPECT_THROW(domain_xml(s), std::invalid_argument) << bad;
    s = spec();
    s.kernel = bad;
    EXPECT_THROW(domain_xml(s), std::invalid_argument) << bad;
  }
}

TEST(LibvirtDomainXml, TagReadBackAloneAndFromTheDomain) {
  EXPECT_EQ(parse_domain_tag(domain_tag_xml(tag())), tag());
  EXPECT_EQ(parse_domain_tag(domain_xml(spec())), tag());
}

TEST(LibvirtDomainXml, TagIsKmatrixsOnlyByNamespaceAndComplete) {
  // A look-alike element in another namespace, or one with an attribute
  // missing or malformed, is not a kmatrix domain: gc leaves it alone.
  EXPECT_EQ(parse_domain_tag(R"(<cell run="r" cell="c" repeat="0" pid="1" host="h"/>)"), std::nullopt);
  EXPECT_EQ(parse_domain_tag(R"(<x:cell xmlns:x="urn:other" run="r" cell="c" repeat="0" pid="1" host="h"/>)"),
            std::nullopt);
  EXPECT_EQ(parse_domain_tag(R"(<k:cell xmlns:k="urn:kmatrix:domain:1" run="r" cell="c" repeat="0" host="h"/>)"),
            std::nullopt);
  EXPECT_EQ(parse_domain_tag(R"(<k:cell xmlns:k="urn:kmatrix:domain:1" run="r" cell="c" repeat="x" pid="1" host="h"/>)"),
            std::nullopt);
  EXPECT_EQ(parse_domain_tag("<not xml"), std::nullopt);
  EXPECT_EQ(parse_domain_tag(R"(<k:cell xmlns:k="urn:kmatrix:domain:1" run="r" cell="c" repeat="0" pid="1" host="h"/>)"),
            (DomainTag{.run = "r", .cell = "c", .repeat = 0, .pid = 1, .host = "h"}));
}

TEST(LibvirtDomainXml, BootFilesReadBackFromTheDomain) {
  const DomainSpec s = spec();
  EXPECT_EQ(parse_boot_files(domain_xml(s)), (std::vector<std::string>{s.kernel, s.initramfs}));
  // A domain booting from its firmware (no <kernel>), and the <kernel> of another element than <os>, name none.
  EXPECT_TRUE(parse_boot_files("<domain><os><type>hvm</type></os><devices><kernel>/x</kernel></devices></domain>").empty());
  EXPECT_TRUE(parse_boot_files("<not xml").empty());
}

}  // namespace
}  // namespace kmx::vm
