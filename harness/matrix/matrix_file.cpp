#include "matrix/matrix_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "util/error.h"
#include "util/sha256.h"
#include "util/units.h"

namespace kmx::matrix {

namespace {

namespace fs = std::filesystem;

// What a cell may expect: the names of outcome::Outcome, kept here so that
// the pure matrix stage does not depend on the verdict code.
const std::vector<std::string_view> kOutcomes = {"completed",  "oom-killed",   "container-hang", "guest-hang",
                                                 "panic",      "boot-failure", "infra-error"};

[[noreturn]] void fail_at(const std::string& file, const toml::source_region& at, std::string_view what) {
  throw UsageError(fmt::format("{}:{}:{}: {}", file, at.begin.line, at.begin.column, what));
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

// "unknown key 'proc' in [workload]: did you mean 'procs'?", or the known keys
// when none is close: a typo must not silently run the default.
[[noreturn]] void fail_unknown(const std::string& file, const toml::key& key, std::string_view what,
                               std::string_view table, const std::vector<std::string>& known) {
  std::string message = fmt::format("unknown {} '{}'", what, key.str());
  if (!table.empty()) message += fmt::format(" in [{}]", table);
  const auto closest = std::min_element(known.begin(), known.end(), [&](const auto& a, const auto& b) {
    return edit_distance(key.str(), a) < edit_distance(key.str(), b);
  });
  if (closest != known.end() && edit_distance(key.str(), *closest) <= 2)
    message += fmt::format(": did you mean '{}'?", *closest);
  else
    message += fmt::format(" (known: {})", fmt::join(known, ", "));
  fail_at(file, key.source(), message);
}

struct Entry {
  const toml::key* key;
  const toml::node* node;
};

// toml++ keeps a table sorted by key; errors and names follow the file instead.
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

// A TOML value on its way into a cell, with its dotted name and place for messages.
class Value {
 public:
  Value(const toml::node& node, std::string name, const std::string& file)
      : node_(node), name_(std::move(name)), file_(file) {}

  const toml::node& node() const { return node_; }
  const std::string& name() const { return name_; }

  [[noreturn]] void fail(std::string_view what) const {
    fail_at(file_, node_.source(), fmt::format("{}: {}", name_, what));
  }
  [[noreturn]] void fail_type(std::string_view expected) const {
    fail(fmt::format("expected {}, got {}", expected, type_name(node_.type())));
  }

  std::string string() const {
    if (!node_.is_string()) fail_type("a string");
    return node_.as_string()->get();
  }

  bool boolean() const {
    if (!node_.is_boolean()) fail_type("a boolean (true or false)");
    return node_.as_boolean()->get();
  }

  // max = INT_MAX: no bound but what an int holds.
  int64_t integer(int64_t min, int64_t max) const {
    if (!node_.is_integer()) fail_type("an integer");
    const int64_t n = node_.as_integer()->get();
    if (n < min || n > max) {
      if (max == std::numeric_limits<int>::max()) fail(fmt::format("must be at least {}, got {}", min, n));
      fail(fmt::format("must be between {} and {}, got {}", min, max, n));
    }
    return n;
  }

  // A string with a unit ("8M"), or an integer count of bytes.
  uint64_t size(uint64_t min, uint64_t multiple) const {
    uint64_t bytes = 0;
    if (node_.is_integer()) {
      const int64_t n = node_.as_integer()->get();
      if (n < 0) fail(fmt::format("a size cannot be negative, got {}", n));
      bytes = static_cast<uint64_t>(n);
    } else if (node_.is_string()) {
      const std::string& text = node_.as_string()->get();
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
  uint64_t duration(uint64_t min_ms) const {
    if (node_.is_integer())
      fail(fmt::format("a duration needs a unit, e.g. \"90s\" (is {0} meant as \"{0}s\" or \"{0}ms\"?)",
                       node_.as_integer()->get()));
    if (!node_.is_string()) fail_type("a duration such as \"90s\"");
    const std::string& text = node_.as_string()->get();
    const auto ms = util::parse_duration_ms(text);
    if (!ms) fail(fmt::format("\"{}\" is not a duration (a whole number with ms, s, m or h: \"90s\")", text));
    if (*ms < min_ms) fail(fmt::format("must be at least {}, got \"{}\"", util::format_duration(min_ms), text));
    return *ms;
  }

  std::string choice(const std::vector<std::string_view>& allowed) const {
    std::string text = string();
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end())
      fail(fmt::format("\"{}\" is not one of {}", text, fmt::join(allowed, ", ")));
    return text;
  }

  const toml::table& table() const {
    if (!node_.is_table()) fail_type("a table");
    return *node_.as_table();
  }

 private:
  const toml::node& node_;
  std::string name_;
  const std::string& file_;
};

// One settable parameter: how a TOML value sets it, and how its value reads
// as part of a cell name ("procs40", "cgroup=v2").
struct Key {
  std::string name;
  std::function<void(const Value&, Cell&)> set;
  std::function<std::string(const Cell&)> label;
};

std::string label(std::string_view key, const std::string& value) {
  // "procs40" reads well, "cgroupv2" does not.
  const bool number = !value.empty() && value[0] >= '0' && value[0] <= '9';
  return fmt::format("{}{}{}", key, number ? "" : "=", value);
}

// Which member of Cell holds a settings struct, so key tables name only the field.
template <typename S>
constexpr S Cell::*kPart = nullptr;
template <>
constexpr RunSettings Cell::*kPart<RunSettings> = &Cell::run;
template <>
constexpr ContainerSettings Cell::*kPart<ContainerSettings> = &Cell::container;
template <>
constexpr WorkloadSettings Cell::*kPart<WorkloadSettings> = &Cell::workload;
template <>
constexpr GuestSettings Cell::*kPart<GuestSettings> = &Cell::guest;
template <>
constexpr FaultSettings Cell::*kPart<FaultSettings> = &Cell::fault;

template <typename S, typename T, typename Read, typename Show>
Key field_key(std::string name, T S::*member, Read read, Show show) {
  return {name, [member, read](const Value& v, Cell& c) { c.*kPart<S>.*member = read(v); },
          [name, member, show](const Cell& c) { return label(name, show(c.*kPart<S>.*member)); }};
}

std::string same(const std::string& s) { return s; }

template <typename S>
Key string_key(std::string name, std::string S::*member) {
  return field_key(name, member, [](const Value& v) { return v.string(); }, same);
}

template <typename S>
Key choice_key(std::string name, std::string S::*member, std::vector<std::string_view> allowed) {
  return field_key(name, member, [allowed](const Value& v) { return v.choice(allowed); }, same);
}

template <typename S>
Key int_key(std::string name, int S::*member, int min, int max) {
  return field_key(
      name, member, [min, max](const Value& v) { return static_cast<int>(v.integer(min, max)); },
      [](int n) { return std::to_string(n); });
}

template <typename S>
Key bool_key(std::string name, bool S::*member) {
  return field_key(
      name, member, [](const Value& v) { return v.boolean(); },
      [](bool b) { return std::string(b ? "true" : "false"); });
}

template <typename S>
Key size_key(std::string name, uint64_t S::*member, uint64_t min, uint64_t multiple = 1) {
  return field_key(
      name, member, [min, multiple](const Value& v) { return v.size(min, multiple); }, util::format_size);
}

template <typename S>
Key duration_key(std::string name, uint64_t S::*member, uint64_t min_ms) {
  return field_key(
      name, member, [min_ms](const Value& v) { return v.duration(min_ms); }, util::format_duration);
}

constexpr int kNonrootUid = 1000;

std::string user_name(int uid) {
  if (uid == 0) return "root";
  if (uid == kNonrootUid) return "nonroot";
  return fmt::format("uid{}", uid);
}

// workload.user: "root", "nonroot" or a numeric uid.
Key user_key() {
  const auto read = [](const Value& v) {
    if (v.node().is_integer()) return static_cast<int>(v.integer(0, std::numeric_limits<int>::max()));
    if (!v.node().is_string()) v.fail_type("\"root\", \"nonroot\" or an integer uid");
    const std::string name = v.string();
    if (name == "root") return 0;
    if (name == "nonroot") return kNonrootUid;
    v.fail(fmt::format("\"{}\" is not \"root\", \"nonroot\" or an integer uid", name));
  };
  return field_key("user", &WorkloadSettings::uid, read, user_name);
}

// One sysctl: its value as the kernel reads it from /proc/sys.
Key sysctl_key(std::string name) {
  const auto set = [name](const Value& v, Cell& c) {
    const toml::node& n = v.node();
    if (n.is_integer()) {
      c.guest.sysctl[name] = std::to_string(n.as_integer()->get());
    } else if (n.is_boolean()) {
      c.guest.sysctl[name] = n.as_boolean()->get() ? "1" : "0";
    } else if (n.is_string()) {
      c.guest.sysctl[name] = n.as_string()->get();
    } else {
      // An unquoted dotted key (vm.panic_on_oom = 1) makes TOML tables.
      v.fail(fmt::format("expected an integer, boolean or string, got {}{}", type_name(n.type()),
                         n.is_table() ? " (quote dotted sysctl names: \"vm.panic_on_oom\" = 1)" : ""));
    }
  };
  return {name, set, [name](const Cell& c) { return name + "=" + c.guest.sysctl.at(name); }};
}

bool is_sysctl_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '.' || ch == '-' || ch == '/';
  });
}

// A table of defaults ([run]) or of a cell's overrides ([cell.run]).
struct Section {
  std::string_view name;
  std::vector<Key> keys;
};

constexpr std::string_view kSysctl = "sysctl";  // [guest.sysctl], whose keys are free

const std::vector<Section>& sections() {
  static const std::vector<Section> table = {
      {"run",
       {string_key("kernel", &RunSettings::kernel),
        string_key("modules", &RunSettings::modules_dir),
        choice_key("accel", &RunSettings::accel, {"auto", "kvm", "tcg"}),
        // QEMU's -m takes whole MiB.
        size_key("guest_memory", &RunSettings::guest_memory, 1ull << 20, 1ull << 20),
        int_key("cpus", &RunSettings::cpus, 1, 64),
        duration_key("boot_timeout", &RunSettings::boot_timeout_ms, 1),
        // The agent heartbeats every second: a shorter silence is no hang.
        duration_key("heartbeat_timeout", &RunSettings::heartbeat_timeout_ms, 2'000),
        duration_key("workload_timeout", &RunSettings::workload_timeout_ms, 1)}},
      {"container",
       {choice_key("cgroup", &ContainerSettings::cgroup, {"v1", "v2"}),
        size_key("limit", &ContainerSettings::limit, 1),
        size_key("memsw_limit", &ContainerSettings::memsw_limit, 0),
        bool_key("oom_kill_disable", &ContainerSettings::oom_kill_disable),
        bool_key("pid_namespace", &ContainerSettings::pid_namespace)}},
      {"workload",
       {int_key("procs", &WorkloadSettings::procs, 1, std::numeric_limits<int>::max()),
        size_key("size", &WorkloadSettings::size, 1),
        duration_key("hold", &WorkloadSettings::hold_ms, 0),
        user_key()}},
      // The swap disk is a brd ram disk sized in KiB holding whole pages.
      {"guest", {size_key("swap", &GuestSettings::swap, 0, 4096), string_key("cmdline", &GuestSettings::cmdline)}},
      {"fault", {duration_key("freeze_vm_after", &FaultSettings::freeze_vm_after_ms, 0)}},
  };
  return table;
}

const Section* find_section(std::string_view name) {
  for (const Section& s : sections())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> section_names() {
  std::vector<std::string> names;
  for (const Section& s : sections()) names.emplace_back(s.name);
  return names;
}

// "section.key" -> its Key; "guest.sysctl.NAME" -> that sysctl.
std::optional<Key> find_key(std::string_view dotted) {
  const std::size_t dot = dotted.find('.');
  const Section* section = dot == std::string_view::npos ? nullptr : find_section(dotted.substr(0, dot));
  if (!section) return std::nullopt;
  const std::string_view rest = dotted.substr(dot + 1);
  const std::string sysctl_prefix = fmt::format("{}.", kSysctl);
  if (section->name == "guest" && rest.starts_with(sysctl_prefix) && is_sysctl_name(rest.substr(sysctl_prefix.size())))
    return sysctl_key(std::string(rest.substr(sysctl_prefix.size())));
  for (const Key& k : section->keys)
    if (k.name == rest) return k;
  return std::nullopt;
}

// What set a cell's parameters, in order: a default name lists what the cell
// itself set, and an error between two keys points at the later one.
enum class Origin { defaults, cell, axis };
struct Setting {
  std::string key;  // "workload.procs", "guest.sysctl.vm.panic_on_oom"
  toml::source_region where;
  Origin origin;
};

// A cell being built.
struct Draft {
  Cell cell;
  bool named = false;
  toml::source_region where;  // its [[cell]] (or [axes]) table
  std::vector<Setting> settings;
};

// One [axes] entry: a key and the values it takes.
struct Axis {
  std::string name;  // as written: "workload.procs", "kernel"
  std::string key;   // "workload.procs", "run.kernel"
  Key setter;
  const toml::array* values;
};

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  std::vector<Cell> load(const toml::table& root) {
    Draft defaults;
    const toml::node* cells = nullptr;
    const toml::node* axes = nullptr;
    std::vector<std::string> known = section_names();
    known.insert(known.end(), {"cell", "axes"});
    for (const Entry& e : in_file_order(root)) {
      const std::string name(e.key->str());
      if (const Section* s = find_section(name)) {
        apply_section(Value(*e.node, name, file_).table(), *s, "", Origin::defaults, defaults);
      } else if (name == "cell") {
        cells = e.node;
      } else if (name == "axes") {
        axes = e.node;
      } else {
        fail_unknown(file_, *e.key, "key", "", known);
      }
    }

    std::vector<Draft> bases;
    if (cells) {
      if (!cells->is_array()) Value(*cells, "cell", file_).fail_type("an array of tables ([[cell]])");
      for (const toml::node& c : *cells->as_array())
        bases.push_back(parse_cell(Value(c, "cell", file_).table(), defaults));
    }
    std::vector<Axis> axis_list;
    if (axes) {
      axis_list = parse_axes(Value(*axes, "axes", file_).table());
      if (!cells) {
        defaults.where = axes->source();
        bases.push_back(defaults);
      }
    }
    if (bases.empty())
      fail_at(file_, root.source(), "no cells: add [[cell]] tables, or an [axes] table over the defaults");

    std::vector<Draft> drafts;
    for (const Draft& base : bases)
      for (Draft& d : expand(base, axis_list)) drafts.push_back(std::move(d));
    return finish(drafts);
  }

 private:
  // Applies a section's keys, and for [guest] its [guest.sysctl] subtable.
  void apply_section(const toml::table& table, const Section& section, std::string_view prefix, Origin origin,
                     Draft& d) const {
    const std::string table_name = fmt::format("{}{}", prefix, section.name);
    std::vector<std::string> known;
    for (const Key& k : section.keys) known.push_back(k.name);
    if (section.name == "guest") known.emplace_back(kSysctl);
    for (const Entry& e : in_file_order(table)) {
      const std::string key(e.key->str());
      const std::string dotted = fmt::format("{}.{}", section.name, key);
      const std::string name = fmt::format("{}.{}", table_name, key);
      if (section.name == "guest" && key == kSysctl) {
        apply_sysctls(Value(*e.node, name, file_).table(), name, origin, d);
        continue;
      }
      const auto k =
          std::find_if(section.keys.begin(), section.keys.end(), [&](const Key& k) { return k.name == key; });
      if (k == section.keys.end()) fail_unknown(file_, *e.key, "key", table_name, known);
      k->set(Value(*e.node, name, file_), d.cell);
      d.settings.push_back({dotted, e.node->source(), origin});
    }
  }

  void apply_sysctls(const toml::table& table, std::string_view table_name, Origin origin, Draft& d) const {
    for (const Entry& e : in_file_order(table)) {
      const std::string name(e.key->str());
      if (!is_sysctl_name(name))
        fail_at(file_, e.key->source(), fmt::format("{}: '{}' is not a sysctl name", table_name, name));
      sysctl_key(name).set(Value(*e.node, fmt::format("{}.{}", table_name, name), file_), d.cell);
      d.settings.push_back({fmt::format("guest.{}.{}", kSysctl, name), e.node->source(), origin});
    }
  }

  Draft parse_cell(const toml::table& table, const Draft& defaults) const {
    Draft d = defaults;
    d.where = table.source();
    std::vector<std::string> known = {"name", "expect"};
    for (const std::string& s : section_names()) known.push_back(s);
    for (const Entry& e : in_file_order(table)) {
      const std::string key(e.key->str());
      const Value v(*e.node, "cell." + key, file_);
      if (key == "name") {
        d.cell.name = v.string();
        if (d.cell.name.empty()) v.fail("must not be empty");
        d.named = true;
      } else if (key == "expect") {
        d.cell.expect = v.choice(kOutcomes);
      } else if (const Section* s = find_section(key)) {
        apply_section(v.table(), *s, "cell.", Origin::cell, d);
      } else {
        fail_unknown(file_, *e.key, "key", "[cell]", known);
      }
    }
    return d;
  }

  std::vector<Axis> parse_axes(const toml::table& table) const {
    std::vector<std::string> known = {"kernel"};
    for (const Section& s : sections())
      for (const Key& k : s.keys) known.push_back(fmt::format("{}.{}", s.name, k.name));
    std::vector<Axis> axes;
    for (const Entry& e : in_file_order(table)) {
      const std::string name(e.key->str());
      const std::string key = name == "kernel" ? "run.kernel" : name;
      const Value v(*e.node, fmt::format("axes.\"{}\"", name), file_);
      std::optional<Key> setter = find_key(key);
      if (!setter) {
        // An unquoted dotted key (workload.procs = [...]) makes TOML tables.
        if (e.node->is_table()) v.fail("expected an array; quote dotted axis names: \"workload.procs\" = [8, 40]");
        fail_unknown(file_, *e.key, "axis", "axes", known);
      }
      if (!e.node->is_array()) v.fail_type("an array of values");
      if (e.node->as_array()->empty()) v.fail("an axis needs at least one value");
      // Each value is read once here, so that a repeated one ("8M" and
      // 8388608) is reported where it is rather than as two equal cells.
      std::vector<std::string> seen;
      for (const toml::node& value : *e.node->as_array()) {
        const Value item(value, v.name(), file_);
        Cell scratch;
        setter->set(item, scratch);
        const std::string label = setter->label(scratch);
        if (std::find(seen.begin(), seen.end(), label) != seen.end())
          item.fail(fmt::format("repeats a value ({})", label));
        seen.push_back(label);
      }
      axes.push_back({name, key, std::move(*setter), e.node->as_array()});
    }
    return axes;
  }

  // The cartesian product of the axes over one base cell; the first axis
  // varies slowest.
  std::vector<Draft> expand(const Draft& base, const std::vector<Axis>& axes) const {
    std::vector<Draft> drafts = {base};
    for (const Axis& axis : axes) {
      std::vector<Draft> next;
      for (const Draft& d : drafts) {
        for (const toml::node& value : *axis.values) {
          Draft copy = d;
          axis.setter.set(Value(value, fmt::format("axes.\"{}\"", axis.name), file_), copy.cell);
          copy.settings.push_back({axis.key, value.source(), Origin::axis});
          next.push_back(std::move(copy));
        }
      }
      drafts = std::move(next);
    }
    return drafts;
  }

  // A cell's name: its own, or "<user>-<procs>x<size>" plus what the cell set
  // itself; then the values its axes gave it.
  static std::string name_of(const Draft& d) {
    const WorkloadSettings& w = d.cell.workload;
    std::string name = d.named ? d.cell.name
                               : fmt::format("{}-{}x{}", user_name(w.uid), w.procs, util::format_size(w.size));
    // Keys already in the name: the default name's own, then each one once.
    std::vector<std::string> in_name;
    if (!d.named) in_name = {"workload.user", "workload.procs", "workload.size"};
    for (const Setting& s : d.settings) {
      if (s.origin == Origin::defaults || (d.named && s.origin == Origin::cell)) continue;
      if (std::find(in_name.begin(), in_name.end(), s.key) != in_name.end()) continue;
      in_name.push_back(s.key);
      name += "-" + find_key(s.key)->label(d.cell);
    }
    return name;
  }

  // Where the later of two keys was set, for an error about both.
  static toml::source_region later_setting(const Draft& d, std::string_view a, std::string_view b) {
    for (auto s = d.settings.rbegin(); s != d.settings.rend(); ++s)
      if (s->key == a || s->key == b) return s->where;
    return d.where;
  }

  void check(const Draft& d) const {
    const Cell& c = d.cell;
    if (c.container.limit > c.run.guest_memory)
      fail_at(file_, later_setting(d, "container.limit", "run.guest_memory"),
              fmt::format("cell '{}': container.limit {} is larger than run.guest_memory {}", c.name,
                          util::format_size(c.container.limit), util::format_size(c.run.guest_memory)));
    if (c.container.memsw_limit != 0 && c.container.memsw_limit < c.container.limit)
      fail_at(file_, later_setting(d, "container.memsw_limit", "container.limit"),
              fmt::format("cell '{}': container.memsw_limit {} is less than container.limit {}", c.name,
                          util::format_size(c.container.memsw_limit), util::format_size(c.container.limit)));
  }

  std::vector<Cell> finish(std::vector<Draft>& drafts) const {
    std::map<std::string, const Draft*> by_name;
    std::map<std::string, const Draft*> by_id;
    std::vector<Cell> cells;
    for (Draft& d : drafts) {
      d.cell.name = name_of(d);
      check(d);
      if (const auto [it, fresh] = by_name.emplace(d.cell.name, &d); !fresh)
        fail_at(file_, d.where,
                fmt::format("two cells are named '{}' (lines {} and {})", d.cell.name,
                            it->second->where.begin.line, d.where.begin.line));
      const std::string id = cell_id(d.cell);
      if (const auto [it, fresh] = by_id.emplace(id, &d); !fresh)
        fail_at(file_, d.where,
                fmt::format("cells '{}' (line {}) and '{}' (line {}) have the same parameters (cell ID {})",
                            it->second->cell.name, it->second->where.begin.line, d.cell.name, d.where.begin.line,
                            id));
      cells.push_back(d.cell);
    }
    return cells;
  }

  std::string file_;
};

std::string read_file(const fs::path& file) {
  const auto fail = [&] { throw UsageError(fmt::format("{}: cannot read: {}", file.string(), std::strerror(errno))); };
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) fail();
  std::string bytes;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) bytes.append(buf, n);
  if (std::ferror(f.get())) fail();
  return bytes;
}

}  // namespace

Matrix load_matrix(const fs::path& file) {
  const std::string bytes = read_file(file);
  const std::string name = file.string();
  toml::table root;
  try {
    root = toml::parse(bytes, std::string_view(name));
  } catch (const toml::parse_error& e) {
    fail_at(name, e.source(), e.description());
  }
  return {file, util::sha256_hex(bytes), Loader(name).load(root)};
}

}  // namespace kmx::matrix
