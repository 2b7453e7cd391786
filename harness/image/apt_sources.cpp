#include "image/apt_sources.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <sstream>

#include "util/error.h"
#include "util/read_file.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  return {std::istream_iterator<std::string>(in), {}};
}

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A deb822 paragraph: lowercase field name -> value (continuation lines kept).
using Paragraph = std::vector<std::pair<std::string, std::string>>;

const std::string* field(const Paragraph& p, std::string_view name) {
  for (const auto& [k, v] : p)
    if (k == name) return &v;
  return nullptr;
}

AptSource from_paragraph(const Paragraph& p, const std::string& origin) {
  auto list = [&](std::string_view name) { return words(field(p, name) ? *field(p, name) : ""); };
  AptSource s{list("types"), list("uris"), list("suites"), list("components"), "", origin};
  if (const std::string* key = field(p, "signed-by")) s.signed_by = std::string(trim(*key));
  return s;
}

// Which kind of Debian suite this is on a host whose release is `codename`:
// its own ("bookworm", "bookworm-updates", "stable"), its security suite, or
// not Debian's at all ("nodistro", "cloud-sdk-bookworm").
enum class SuiteKind { debian, security, other };

SuiteKind kind_of(std::string_view suite, std::string_view codename) {
  const std::string_view base = suite.substr(0, suite.find_first_of("-/"));
  constexpr std::string_view kAliases[] = {"stable", "oldstable", "oldoldstable", "testing", "unstable", "sid"};
  if (base != codename && std::ranges::find(kAliases, base) == std::end(kAliases)) return SuiteKind::other;
  if (suite.ends_with("-security") || suite.ends_with("/updates")) return SuiteKind::security;
  return SuiteKind::debian;
}

bool serves(const AptSource& s, SuiteKind kind, std::string_view codename) {
  return std::ranges::find(s.types, "deb") != s.types.end() &&
         std::ranges::any_of(s.suites, [&](const std::string& suite) { return kind_of(suite, codename) == kind; });
}

// deb822 continuation lines start with a space; an empty line inside a
// value is written " .".
std::string deb822_value(std::string_view value) {
  std::string out;
  std::string_view rest = value;
  bool first = true;
  while (!rest.empty() || first) {
    const std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    if (!first) out += "\n ";
    out += first ? std::string(line) : (trim(line).empty() ? std::string(".") : std::string(trim(line)));
    first = false;
  }
  return out;
}

}  // namespace

std::vector<AptSource> parse_one_line_sources(std::string_view text, const std::string& file) {
  std::vector<AptSource> sources;
  int line_no = 0;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    line = line.substr(0, line.find('#'));
    std::string options;
    if (const size_t open = line.find('['); open != std::string::npos) {
      const size_t close = line.find(']', open);
      if (close == std::string::npos) continue;  // apt would refuse it; it names no mirror we can use
      options = line.substr(open + 1, close - open - 1);
      line.erase(open, close - open + 1);
    }
    const std::vector<std::string> w = words(line);
    if (w.size() < 3) continue;
    AptSource s{{w[0]}, {w[1]}, {w[2]}, {w.begin() + 3, w.end()}, "", fmt::format("{}:{}", file, line_no)};
    for (const std::string& option : words(options))
      if (lower(option).starts_with("signed-by=")) s.signed_by = option.substr(10);
    sources.push_back(std::move(s));
  }
  return sources;
}

std::vector<AptSource> parse_deb822_sources(std::string_view text, const std::string& file) {
  std::vector<AptSource> sources;
  Paragraph p;
  int line_no = 0, start = 0;
  auto finish = [&] {
    const std::string* enabled = field(p, "enabled");
    if (!p.empty() && !(enabled && lower(trim(*enabled)) == "no"))
      sources.push_back(from_paragraph(p, fmt::format("{}:{}", file, start)));
    p.clear();
  };
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.starts_with('#')) continue;
    if (trim(line).empty()) {
      finish();
      continue;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !p.empty()) {
      const std::string_view more = trim(line);
      p.back().second += "\n" + std::string(more == "." ? "" : more);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (p.empty()) start = line_no;
    p.emplace_back(lower(trim(std::string_view(line).substr(0, colon))),
                   std::string(trim(std::string_view(line).substr(colon + 1))));
  }
  finish();
  return sources;
}

std::vector<AptSource> read_host_apt_sources(const fs::path& etc_apt) {
  std::vector<AptSource> all;
  auto add = [&](std::vector<AptSource> more) { std::ranges::move(more, std::back_inserter(all)); };
  if (fs::exists(etc_apt / "sources.list"))
    add(parse_one_line_sources(util::read_file(etc_apt / "sources.list"), (etc_apt / "sources.list").string()));
  std::error_code ec;
  std::vector<fs::path> parts;
  for (const auto& e : fs::directory_iterator(etc_apt / "sources.list.d", ec)) parts.push_back(e.path());
  std::ranges::sort(parts);  // apt reads them in this order too
  for (const fs::path& p : parts) {
    if (p.extension() == ".list") add(parse_one_line_sources(util::read_file(p), p.string()));
    if (p.extension() == ".sources") add(parse_deb822_sources(util::read_file(p), p.string()));
  }
  return all;
}

std::string private_sources(const std::vector<AptSource>& host, std::string_view host_codename,
                            const std::vector<std::string>& suites) {
  std::string out;
  for (const std::string& suite : suites) {
    const SuiteKind kind = suite.ends_with("-security") ? SuiteKind::security : SuiteKind::debian;
    std::vector<const AptSource*> mirrors;
    for (const AptSource& s : host)
      if (serves(s, kind, host_codename)) mirrors.push_back(&s);
    if (mirrors.empty())
      throw HostError(fmt::format(
          "no {}Debian mirror for {} in this host's apt sources (/etc/apt/sources.list, sources.list.d/): kmatrix "
          "takes Debian kernels from the mirror the host is configured with",
          kind == SuiteKind::security ? "security " : "", suite));
    for (const AptSource* m : mirrors) {
      out += fmt::format("# from {}\nTypes: deb\nURIs: {}\nSuites: {}\nComponents: main\n", m->origin,
                         fmt::join(m->uris, " "), suite);
      if (!m->signed_by.empty()) out += fmt::format("Signed-By: {}\n", deb822_value(m->signed_by));
      out += "\n";
    }
  }
  return out;
}

}  // namespace kmx::image
