#include "matrix/cell_filter.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "matrix/kernel_name.h"
#include "util/error.h"
#include "util/units.h"

namespace kmx::matrix {

namespace {

// Keys that are the cell's own rather than parameters.
const std::vector<std::string> kCellKeys = {"name", "id", "expect"};

[[noreturn]] void fail(std::size_t column, std::string_view what) {
  throw UsageError(fmt::format("--filter: column {}: {}", column, what));
}

// What a mistyped key is compared with: short names, or dotted ones for a dotted key.
std::vector<std::string> known_keys(const std::string& key) {
  const bool dotted = key.find('.') != std::string::npos;
  std::vector<std::string> known = kCellKeys;
  for (const Parameter& p : parameters()) known.push_back(dotted ? p.name : p.key);
  return known;
}

// A dotted name, a short name that only one parameter has, or a sysctl.
std::optional<Parameter> resolve(const std::string& key) {
  if (auto p = find_parameter(key)) return p;
  std::optional<Parameter> found;
  for (const Parameter& p : parameters())
    if (p.key == key) {
      if (found) return std::nullopt;
      found = p;
    }
  if (found) return found;
  // "vm.panic_on_oom": a dotted key that names no table is a sysctl.
  const std::size_t dot = key.find('.');
  const auto& sections = section_names();
  if (dot != std::string::npos && std::find(sections.begin(), sections.end(), key.substr(0, dot)) == sections.end())
    return find_parameter(fmt::format("{}{}", kSysctlPrefix, key));
  return std::nullopt;
}

std::optional<uint64_t> whole_number(std::string_view text) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// The value as the parameter's kind, or why not.
std::optional<Scalar> read(Kind kind, const std::string& text) {
  switch (kind) {
    case Kind::text: return text;
    case Kind::integer: return whole_number(text);
    case Kind::size: return util::parse_size(text);
    case Kind::duration: return util::parse_duration_ms(text);
    case Kind::boolean:
      if (text == "true" || text == "false") return text == "true";
      return std::nullopt;
    case Kind::user:
      if (text == "root") return uint64_t{0};
      if (text == "nonroot") return uint64_t{1000};
      return whole_number(text);
  }
  return std::nullopt;
}

std::string_view expected(Kind kind) {
  switch (kind) {
    case Kind::text: return "text";
    case Kind::integer: return "a whole number";
    case Kind::size: return "a size such as 8M";
    case Kind::duration: return "a duration such as 90s";
    case Kind::boolean: return "true or false";
    case Kind::user: return "root, nonroot or a uid";
  }
  return "";
}

template <typename T>
bool compare(const T& a, Comparison op, const T& b) {
  switch (op) {
    case Comparison::equal: return a == b;
    case Comparison::not_equal: return a != b;
    case Comparison::less: return a < b;
    case Comparison::less_equal: return a <= b;
    case Comparison::greater: return a > b;
    case Comparison::greater_equal: return a >= b;
  }
  return false;
}

// "6.1.0" -> {6, 1, 0}; nullopt when a part is not a number.
std::optional<std::vector<uint64_t>> version_parts(std::string_view version) {
  std::vector<uint64_t> parts;
  while (true) {
    const std::size_t dot = version.find('.');
    const auto n = whole_number(version.substr(0, dot));
    if (!n) return std::nullopt;
    parts.push_back(*n);
    if (dot == std::string_view::npos) return parts;
    version = version.substr(dot + 1);
  }
}

// kernel=6.1 is kernel_matches; kernel>=6.1 compares versions part by part,
// so that 6.12 > 6.1 and 6.1.0 >= 6.1; a kernel of unknown version never passes.
bool kernel_term(const std::string& spec, const FilterTerm& t) {
  if (t.op == Comparison::equal) return kernel_matches(spec, t.text);
  if (t.op == Comparison::not_equal) return !kernel_matches(spec, t.text);
  const auto have = version_parts(kernel_version(spec));
  const auto want = version_parts(t.text);
  if (!have || !want) return false;
  // Compared at the precision asked for: kernel<=6.1 holds for 6.1.0.
  const std::vector<uint64_t> head(have->begin(), have->begin() + std::min(have->size(), want->size()));
  return compare(head, t.op, *want);
}

bool ordering(Comparison op) { return op != Comparison::equal && op != Comparison::not_equal; }

FilterTerm parse_term(std::string_view term, std::size_t column) {
  const std::size_t at = term.find_first_of("!<>=");
  if (at == std::string_view::npos)
    fail(column, fmt::format("'{}' is not key=value (operators: = != < <= > >=)", term));
  if (at == 0) fail(column, fmt::format("'{}' has no key before its operator", term));
  const std::string_view two = term.substr(at, 2);
  Comparison op;
  std::size_t length = 2;
  if (two == "!=") op = Comparison::not_equal;
  else if (two == "<=") op = Comparison::less_equal;
  else if (two == ">=") op = Comparison::greater_equal;
  else {
    length = 1;
    if (term[at] == '=') op = Comparison::equal;
    else if (term[at] == '<') op = Comparison::less;
    else if (term[at] == '>') op = Comparison::greater;
    else fail(column + at, "'!' must be followed by '='");
  }
  FilterTerm t;
  t.key = term.substr(0, at);
  t.op = op;
  t.text = term.substr(at + length);
  const std::size_t value_column = column + at + length;
  if (t.text.empty()) fail(value_column, fmt::format("{}: no value after the operator", t.key));
  if (t.text.find_first_of("!<>=") != std::string::npos)
    fail(value_column, fmt::format("{}: '{}' holds a second operator", t.key, t.text));

  if (std::find(kCellKeys.begin(), kCellKeys.end(), t.key) != kCellKeys.end()) {
    if (ordering(op)) fail(column + at, fmt::format("{} is text: only = and != apply", t.key));
    return t;
  }
  const std::optional<Parameter> p = resolve(t.key);
  if (!p) {
    const std::vector<std::string> known = known_keys(t.key);
    const auto closest = closest_known(t.key, known);
    fail(column, fmt::format("unknown key '{}'{}", t.key,
                             closest ? fmt::format(": did you mean '{}'?", *closest)
                                     : fmt::format(" (known: {})", fmt::join(known, ", "))));
  }
  t.key = p->name;
  t.parameter = *p;
  if (t.key == "run.kernel") {
    if (ordering(op) && !version_parts(t.text))
      fail(value_column, fmt::format("kernel: '{}' is not a version such as 6.1 (needed by {})", t.text,
                                     term.substr(at, length)));
    return t;
  }
  if (ordering(op) && (p->kind == Kind::text || p->kind == Kind::boolean))
    fail(column + at, fmt::format("{} is {}: only = and != apply", p->key,
                                  p->kind == Kind::text ? "text" : "true or false"));
  const auto value = read(p->kind, t.text);
  if (!value) fail(value_column, fmt::format("{}: '{}' is not {}", p->key, t.text, expected(p->kind)));
  t.value = *value;
  return t;
}

}  // namespace

CellFilter CellFilter::parse(std::string_view expression) {
  CellFilter filter;
  std::size_t i = 0;
  while (i < expression.size()) {
    if (expression[i] == ' ' || expression[i] == '\t') {
      ++i;
      continue;
    }
    const std::size_t end = std::min(expression.find_first_of(" \t", i), expression.size());
    filter.terms_.push_back(parse_term(expression.substr(i, end - i), i + 1));
    i = end;
  }
  if (filter.terms_.empty()) fail(1, "empty expression; give terms such as kernel=6.1 procs>=80");
  return filter;
}

bool CellFilter::matches(const Cell& cell) const {
  return std::all_of(terms_.begin(), terms_.end(), [&](const FilterTerm& t) {
    if (t.key == "name") return compare(cell.name, t.op, t.text);
    if (t.key == "id") return compare(cell_id(cell), t.op, t.text);
    if (t.key == "expect") return compare(cell.expect, t.op, t.text);
    if (t.key == "run.kernel") return kernel_term(cell.run.kernel, t);
    return compare(t.parameter.value(cell), t.op, t.value);
  });
}

std::vector<Cell> filter_cells(const std::vector<Cell>& cells, const CellFilter& filter) {
  std::vector<Cell> out;
  std::copy_if(cells.begin(), cells.end(), std::back_inserter(out), [&](const Cell& c) { return filter.matches(c); });
  return out;
}

}  // namespace kmx::matrix
