#include "vm/libvirt_domain_xml.h"

#include <charconv>
#include <memory>

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vm/xml_writer.h"

namespace kmx::vm {

namespace {

void write_tag(XmlWriter& w, const DomainTag& tag) {
  w.start_ns(kDomainTagPrefix, "cell", kDomainTagNamespace)
      .attr("run", tag.run)
      .attr("cell", tag.cell)
      .attr("repeat", std::to_string(tag.repeat))
      .attr("pid", std::to_string(tag.pid))
      .attr("host", tag.host)
      .end();
}

void serial_port(XmlWriter& w, int port) {
  // A pty the daemon owns: virDomainOpenConsole streams it to us, local or remote.
  w.start("serial").attr("type", "pty").start("target").attr("port", std::to_string(port)).end().end();
}

const xmlNode* find_tag(const xmlNode* node) {
  for (; node; node = node->next) {
    if (node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
        std::string_view(reinterpret_cast<const char*>(node->ns->href)) == kDomainTagNamespace &&
        std::string_view(reinterpret_cast<const char*>(node->name)) == "cell")
      return node;
    if (const xmlNode* found = find_tag(node->children)) return found;
  }
  return nullptr;
}

std::optional<std::string> attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!value) return std::nullopt;
  std::string s(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return s;
}

using XmlDoc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

XmlDoc parse(std::string_view xml) {
  return XmlDoc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                &xmlFreeDoc);
}

// The first child element of `node` named `name` (no namespace), or nullptr.
const xmlNode* child(const xmlNode* node, std::string_view name) {
  for (const xmlNode* c = node ? node->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && !c->ns && std::string_view(reinterpret_cast<const char*>(c->name)) == name)
      return c;
  return nullptr;
}

template <typename Int>
std::optional<Int> number(const std::optional<std::string>& s) {
  Int n{};
  if (!s || s->empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
  if (ec != std::errc() || end != s->data() + s->size()) return std::nullopt;
  return n;
}

}  // namespace

std::string domain_name(const DomainTag& tag) { return fmt::format("kmatrix-{}-{}-{}", tag.run, tag.cell, tag.repeat); }

std::string domain_xml(const DomainSpec& spec) {
  XmlWriter w;
  w.start("domain").attr("type", spec.type);
  w.element("name", spec.name);
  w.start("metadata");
  write_tag(w, spec.tag);
  w.end();
  w.start("memory").attr("unit", "KiB").text(std::to_string(spec.memory >> 10)).end();
  w.element("vcpu", std::to_string(spec.cpus));
  w.start("os");
  w.start("type").attr("arch", "x86_64").text("hvm").end();
  w.element("kernel", spec.kernel);
  w.element("initrd", spec.initramfs);
  w.element("cmdline", spec.cmdline);
  w.end();
  // The same CPU as the direct backend's -cpu host / -cpu max.
  w.start("cpu").attr("mode", spec.type == "kvm" ? "host-passthrough" : "maximum").end();
  // Like QEMU's -no-reboot: a guest that reboots or crashes ends, and its end is the event.
  w.element("on_poweroff", "destroy");
  w.element("on_reboot", "destroy");
  w.element("on_crash", "destroy");
  w.start("devices");
  serial_port(w, 0);  // console (ttyS0)
  serial_port(w, 1);  // agent channel (ttyS1)
  w.start("memballoon").attr("model", "none").end();
  w.end();
  w.end();
  return w.finish();
}

std::string domain_tag_xml(const DomainTag& tag) {
  XmlWriter w;
  write_tag(w, tag);
  return w.finish();
}

std::optional<DomainTag> parse_domain_tag(std::string_view xml) {
  const XmlDoc doc = parse(xml);
  if (!doc) return std::nullopt;
  const xmlNode* node = find_tag(xmlDocGetRootElement(doc.get()));
  if (!node) return std::nullopt;
  const auto run = attribute(node, "run"), cell = attribute(node, "cell"), host = attribute(node, "host");
  const auto repeat = number<int>(attribute(node, "repeat"));
  const auto pid = number<int64_t>(attribute(node, "pid"));
  if (!run || !cell || !host || !repeat || !pid) return std::nullopt;
  return DomainTag{.run = *run, .cell = *cell, .repeat = *repeat, .pid = *pid, .host = *host};
}

std::vector<std::string> parse_boot_files(std::string_view xml) {
  const XmlDoc doc = parse(xml);
  if (!doc) return {};
  const xmlNode* os = child(xmlDocGetRootElement(doc.get()), "os");
  std::vector<std::string> files;
  for (const char* name : {"kernel", "initrd"}) {
    const xmlNode* node = child(os, name);
    if (!node) continue;
    xmlChar* text = xmlNodeGetContent(node);
    if (text && *text) files.emplace_back(reinterpret_cast<const char*>(text));
    xmlFree(text);
  }
  return files;
}

}  // namespace kmx::vm
