#include "vm/libvirt_restore_xml.h"

#include <memory>
#include <stdexcept>

#include <libxml/parser.h>
#include <libxml/tree.h>

namespace kmx::vm {

namespace {

using XmlDoc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

XmlDoc parse(std::string_view xml) {
  return XmlDoc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                &xmlFreeDoc);
}

bool named(const xmlNode* node, std::string_view name) {
  return node->type == XML_ELEMENT_NODE && std::string_view(reinterpret_cast<const char*>(node->name)) == name;
}

bool is_tag(const xmlNode* node) {
  return named(node, "cell") && node->ns && node->ns->href &&
         std::string_view(reinterpret_cast<const char*>(node->ns->href)) == kDomainTagNamespace;
}

}  // namespace

std::string retagged_domain_xml(std::string_view saved_xml, const DomainTag& tag) {
  const XmlDoc doc = parse(saved_xml);
  xmlNode* domain = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!domain || !named(domain, "domain")) throw std::invalid_argument("the save image's domain XML is not a <domain>");
  xmlNode* metadata = nullptr;
  for (xmlNode* c = domain->children; c && !metadata; c = c->next)
    if (named(c, "metadata") && !c->ns) metadata = c;
  if (!metadata) metadata = xmlNewChild(domain, nullptr, reinterpret_cast<const xmlChar*>("metadata"), nullptr);
  for (xmlNode* c = metadata->children; c;) {
    xmlNode* next = c->next;
    if (is_tag(c)) {
      xmlUnlinkNode(c);
      xmlFreeNode(c);
    }
    c = next;
  }
  // The new tag as domain_tag_xml writes it (escaped, checked), copied in.
  const XmlDoc tag_doc = parse(domain_tag_xml(tag));
  xmlNode* copy = xmlDocCopyNode(xmlDocGetRootElement(tag_doc.get()), doc.get(), 1);
  if (!copy || !xmlAddChild(metadata, copy)) throw std::runtime_error("libxml2 could not copy the kmatrix tag");
  xmlChar* out = nullptr;
  int size = 0;
  xmlDocDumpMemory(doc.get(), &out, &size);
  if (!out) throw std::runtime_error("libxml2 could not write the domain XML");
  std::string xml(reinterpret_cast<const char*>(out), static_cast<size_t>(size));
  xmlFree(out);
  return xml;
}

}  // namespace kmx::vm
