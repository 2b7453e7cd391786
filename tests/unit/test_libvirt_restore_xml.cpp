// The XML a save image is restored with: the saved domain unchanged but for
// its kmatrix tag, which becomes the restoring cell's (hostile strings
// included), whatever the saved XML had in its <metadata>.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "vm/libvirt_domain_xml.h"
#include "vm/libvirt_restore_xml.h"

namespace kmx::vm {
namespace {

DomainTag snapshot_boot() { return {.run = "5f2a9c01", .cell = "ab12cd34ef56", .repeat = 0, .pid = 4242, .host = "builder1"}; }

// A domain as virDomainSaveImageGetXMLDesc gives it: libvirt's own elements around ours.
std::string saved_xml(const std::string& metadata) {
  return "<domain type='qemu'>\n  <name>kmatrix-snapshot-0123456789abcdef</name>\n"
         "  <uuid>15ade632-9bbe-43f8-a475-c99190ee09c6</uuid>\n" +
         metadata +
         "  <memory unit='KiB'>524288</memory>\n  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>"
         "<cmdline>console=ttyS0 km.x=&lt;1&gt;</cmdline></os>\n</domain>\n";
}

std::string saved_with_tag(const DomainTag& tag) {
  return saved_xml("  <metadata>\n    <other:note xmlns:other=\"urn:example\">kept</other:note>\n    " +
                   domain_tag_xml(tag) + "\n  </metadata>\n");
}

TEST(LibvirtRestoreXml, TagBecomesTheRestoringCells) {
  const DomainTag cell{.run = "77aa0011", .cell = "ffee00112233", .repeat = 3, .pid = 99, .host = "runner"};
  const std::string xml = retagged_domain_xml(saved_with_tag(snapshot_boot()), cell);
  EXPECT_EQ(parse_domain_tag(xml), cell);
  EXPECT_EQ(xml.find("run=\"5f2a9c01\""), std::string::npos) << "the snapshot boot's tag is gone: " << xml;
}

TEST(LibvirtRestoreXml, NameUuidAndTheRestAreKept) {
  const std::string xml = retagged_domain_xml(saved_with_tag(snapshot_boot()), snapshot_boot());
  for (const char* kept : {"<name>kmatrix-snapshot-0123456789abcdef</name>",
                           "<uuid>15ade632-9bbe-43f8-a475-c99190ee09c6</uuid>", "machine=\"pc-i440fx-7.2\"",
                           "km.x=&lt;1&gt;", "<other:note xmlns:other=\"urn:example\">kept</other:note>"})
    EXPECT_NE(xml.find(kept), std::string::npos) << kept << " in " << xml;
}

TEST(LibvirtRestoreXml, TagAddedWhereTheSavedDomainHadNone) {
  const DomainTag cell{.run = "r", .cell = "c", .repeat = 1, .pid = 2, .host = "h"};
  EXPECT_EQ(parse_domain_tag(retagged_domain_xml(saved_xml(""), cell)), cell);
  EXPECT_EQ(parse_domain_tag(retagged_domain_xml(saved_xml("  <metadata/>\n"), cell)), cell);
}

TEST(LibvirtRestoreXml, HostileTagStringsReadBackExactly) {
  const DomainTag cell{.run = "a\"b<c>&'d", .cell = "</kmatrix:cell><x/>", .repeat = 0, .pid = 1, .host = "h\tst"};
  EXPECT_EQ(parse_domain_tag(retagged_domain_xml(saved_with_tag(snapshot_boot()), cell)), cell);
}

TEST(LibvirtRestoreXml, RefusesWhatIsNotADomain) {
  EXPECT_THROW(retagged_domain_xml("<domain><name>x</name>", snapshot_boot()), std::invalid_argument);
  EXPECT_THROW(retagged_domain_xml("<network/>", snapshot_boot()), std::invalid_argument);
  EXPECT_THROW(retagged_domain_xml("", snapshot_boot()), std::invalid_argument);
}

}  // namespace
}  // namespace kmx::vm
