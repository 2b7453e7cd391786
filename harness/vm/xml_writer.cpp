#include "vm/xml_writer.h"

#include <stdexcept>

#include <fmt/format.h>
#include <libxml/xmlstring.h>

namespace kmx::vm {

namespace {

std::string z(std::string_view s) { return std::string(s); }  // libxml2 wants NUL-terminated strings

const xmlChar* x(const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); }

void check(int rc, std::string_view what) {
  if (rc < 0) throw std::runtime_error(fmt::format("libxml2 xmlTextWriter: {} failed", what));
}

}  // namespace

void check_xml_text(std::string_view what, std::string_view value) {
  const std::string s(value);
  if (xmlCheckUTF8(x(s)) == 0)
    throw std::invalid_argument(fmt::format("{} {:?} is not UTF-8 text", what, value));
  for (const unsigned char ch : value)
    if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f)
      throw std::invalid_argument(fmt::format("{} {:?} holds a control character, which XML cannot carry", what, value));
}

XmlWriter::XmlWriter() : buffer_(xmlBufferCreate()), writer_(buffer_ ? xmlNewTextWriterMemory(buffer_, 0) : nullptr) {
  if (!writer_) {
    if (buffer_) xmlBufferFree(buffer_);
    throw std::runtime_error("libxml2: cannot create an XML writer");
  }
  check(xmlTextWriterSetIndent(writer_, 1), "indent");
  check(xmlTextWriterSetIndentString(writer_, reinterpret_cast<const xmlChar*>("  ")), "indent");
}

XmlWriter::~XmlWriter() {
  xmlFreeTextWriter(writer_);
  xmlBufferFree(buffer_);
}

XmlWriter& XmlWriter::start(std::string_view element) {
  check(xmlTextWriterStartElement(writer_, x(z(element))), "start element");
  return *this;
}

XmlWriter& XmlWriter::start_ns(std::string_view prefix, std::string_view element, std::string_view uri) {
  check_xml_text("namespace", uri);
  check(xmlTextWriterStartElementNS(writer_, x(z(prefix)), x(z(element)), x(z(uri))), "start element");
  return *this;
}

XmlWriter& XmlWriter::attr(std::string_view name, std::string_view value) {
  check_xml_text(name, value);
  check(xmlTextWriterWriteAttribute(writer_, x(z(name)), x(z(value))), "attribute");
  return *this;
}

XmlWriter& XmlWriter::text(std::string_view value) {
  check_xml_text("text", value);
  check(xmlTextWriterWriteString(writer_, x(z(value))), "text");
  return *this;
}

XmlWriter& XmlWriter::end() {
  check(xmlTextWriterEndElement(writer_), "end element");
  return *this;
}

XmlWriter& XmlWriter::element(std::string_view element, std::string_view value) { return start(element).text(value).end(); }

std::string XmlWriter::finish() {
  check(xmlTextWriterEndDocument(writer_), "end document");
  check(xmlTextWriterFlush(writer_), "flush");
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)), static_cast<size_t>(xmlBufferLength(buffer_)));
}

}  // namespace kmx::vm
