#include "matrix/toml_value.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/error.h"
#include "util/units.h"

namespace kmx::matrix {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

void fail_at(const toml::source_region& at, std::string_view what) {
  throw UsageError(fmt::format("{}:{}:{}: {}", at.path ? *at.path : std::string("?"), at.begin.line,
                               at.begin.column, what));
}

std::string_view type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
  }
  return "an unknown type";
}

std::optional<std::string> closest_known(std::string_view word, const std::vector<std::string>& known) {
  const auto closest = std::min_element(known.begin(), known.end(), [&](const auto& a, const auto& b) {
    return edit_distance(word, a) < edit_distance(word, b);
  });
  if (closest == known.end() || edit_distance(word, *closest) > 2) return std::nullopt;
  return *closest;
}

void fail_unknown(const toml::key& key, std::string_view what, std::string_view table,
                  const std::vector<std::string>& known) {
  std::string message = fmt::format("unknown {} '{}'", what, key.str());
  if (!table.empty()) message += fmt::format(" in [{}]", table);
  if (const auto closest = closest_known(key.str(), known))
    message += fmt::format(": did you mean '{}'?", *closest);
  else
    message += fmt::format(" (known: {})", fmt::join(known, ", "));
  fail_at(key.source(), message);
}

std::vector<Entry> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (const auto& [key, node] : table) entries.push_back({&key, &node});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const auto& pa = a.key->source().begin;
    const auto& pb = b.key->source().begin;
    return std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
  });
  return entries;
}

void Value::fail(std::string_view what) const { fail_at(node_->source(), fmt::format("{}: {}", name_, what)); }

void Value::fail_type(std::string_view expected) const {
  fail(fmt::format("expected {}, got {}", expected, type_name(node_->type())));
}

std::string Value::string() const {
  if (!node_->is_string()) fail_type("a string");
  return node_->as_string()->get();
}

bool Value::boolean() const {
  if (!node_->is_boolean()) fail_type("a boolean (true or false)");
  return node_->as_boolean()->get();
}

int64_t Value::integer(int64_t min, int64_t max) const {
  if (!node_->is_integer()) fail_type("an integer");
  const int64_t n = node_->as_integer()->get();
  if (n < min || n > max) {
    if (max == std::numeric_limits<int>::max()) fail(fmt::format("must be at least {}, got {}", min, n));
    fail(fmt::format("must be between {} and {}, got {}", min, max, n));
  }
  return n;
}

uint64_t Value::size(uint64_t min, uint64_t multiple) const {
  uint64_t bytes = 0;
  if (node_->is_integer()) {
    const int64_t n = node_->as_integer()->get();
    if (n < 0) fail(fmt::format("a size cannot be negative, got {}", n));
    bytes = static_cast<uint64_t>(n);
  } else if (node_->is_string()) {
    const std::string& text = node_->as_string()->get();
    const auto parsed = util::parse_size(text);
    if (!parsed) fail(fmt::format("\"{}\" is not a size (bytes, or a whole number with K, M, G or T: \"8M\")", text));
    bytes = *parsed;
  } else {
    fail_type("a size such as \"8M\"");
  }
  if (bytes < min) fail(fmt::format("must be at least {}, got {}", util::format_size(min), util::format_size(bytes)));
  if (bytes % multiple != 0)
    fail(fmt::format("must be a multiple of {}, got {}", util::format_size(multiple), util::format_size(bytes)));
  return bytes;
}

// Milliseconds from a string with a unit; a bare integer is refused, as
// nothing says whether 90 means seconds or milliseconds.
uint64_t Value::duration(uint64_t min_ms) const {
  if (node_->is_integer())
    fail(fmt::format("a duration needs a unit, e.g. \"90s\" (is {0} meant as \"{0}s\" or \"{0}ms\"?)",
                     node_->as_integer()->get()));
  if (!node_->is_string()) fail_type("a duration such as \"90s\"");
  const std::string& text = node_->as_string()->get();
  const auto ms = util::parse_duration_ms(text);
  if (!ms) fail(fmt::format("\"{}\" is not a duration (a whole number with ms, s, m or h: \"90s\")", text));
  if (*ms < min_ms) fail(fmt::format("must be at least {}, got \"{}\"", util::format_duration(min_ms), text));
  return *ms;
}

std::string Value::choice(const std::vector<std::string_view>& allowed) const {
  std::string text = string();
  if (std::find(allowed.begin(), allowed.end(), text) == allowed.end())
    fail(fmt::format("\"{}\" is not one of {}", text, fmt::join(allowed, ", ")));
  return text;
}

const toml::table& Value::table() const {
  if (!node_->is_table()) fail_type("a table");
  return *node_->as_table();
}

}  // namespace kmx::matrix
