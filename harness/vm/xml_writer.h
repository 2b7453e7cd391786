// A small RAII face on libxml2's xmlTextWriter: elements, attributes and text
// are escaped by libxml2, never assembled by string concatenation. Used for
// the XML that libvirt takes (domains, storage pools, volumes).
#pragma once

#include <string>
#include <string_view>

#include <libxml/xmlwriter.h>

namespace kmx::vm {

class XmlWriter {
 public:
  XmlWriter();
  ~XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  XmlWriter& start(std::string_view element);
  // A namespaced element: <prefix:element xmlns:prefix="uri">.
  XmlWriter& start_ns(std::string_view prefix, std::string_view element, std::string_view uri);
  XmlWriter& attr(std::string_view name, std::string_view value);
  XmlWriter& text(std::string_view value);
  XmlWriter& end();
  // <element>value</element>
  XmlWriter& element(std::string_view element, std::string_view value);

  // The document, all elements closed.
  std::string finish();

 private:
  xmlBufferPtr buffer_;
  xmlTextWriterPtr writer_;
};

// std::invalid_argument when `value` holds a character XML 1.0 cannot carry
// even escaped (controls but tab, newline, carriage return) or is not UTF-8:
// libvirt would refuse the document, or worse, read something else.
void check_xml_text(std::string_view what, std::string_view value);

}  // namespace kmx::vm
