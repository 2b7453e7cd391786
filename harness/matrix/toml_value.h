// Reading TOML values for the matrix: typed access with units, and errors
// that point at the value, "FILE:LINE:COL: name: what is wrong".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace kmx::matrix {

// Throws UsageError "FILE:LINE:COL: what", FILE being the file the region is in.
[[noreturn]] void fail_at(const toml::source_region& at, std::string_view what);

// "a string", "an integer", ... for "expected X, got Y".
std::string_view type_name(toml::node_type type);

// The known word within two edits of `word`, the closest first; nullopt when none is.
std::optional<std::string> closest_known(std::string_view word, const std::vector<std::string>& known);

// "unknown key 'proc' in [workload]: did you mean 'procs'?", or the known keys
// when none is close: a typo must not silently run the default. `table` may be empty.
[[noreturn]] void fail_unknown(const toml::key& key, std::string_view what, std::string_view table,
                               const std::vector<std::string>& known);

// A table's entries in the order of the file (toml++ keeps them sorted by key),
// so that errors and names follow the file.
struct Entry {
  const toml::key* key;
  const toml::node* node;
};
std::vector<Entry> in_file_order(const toml::table& table);

// A TOML value on its way into a cell, with its dotted name for messages.
class Value {
 public:
  Value(const toml::node& node, std::string name) : node_(&node), name_(std::move(name)) {}

  const toml::node& node() const { return *node_; }
  const std::string& name() const { return name_; }

  [[noreturn]] void fail(std::string_view what) const;
  [[noreturn]] void fail_type(std::string_view expected) const;

  std::string string() const;
  bool boolean() const;
  int64_t integer(int64_t min, int64_t max) const;  // max = INT_MAX: no bound but what an int holds
  uint64_t size(uint64_t min, uint64_t multiple) const;  // "8M", or an integer count of bytes
  uint64_t duration(uint64_t min_ms) const;              // "90s"; a bare number is refused
  std::string choice(const std::vector<std::string_view>& allowed) const;
  const toml::table& table() const;

 private:
  const toml::node* node_;
  std::string name_;
};

}  // namespace kmx::matrix
