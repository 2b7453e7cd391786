#include "matrix/matrix_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "matrix/kernel_name.h"
#include "matrix/parameter.h"
#include "matrix/toml_value.h"
#include "protocol.h"  // the guest agent's limits
#include "util/error.h"
#include "util/sha256.h"
#include "util/units.h"

namespace kmx::matrix {

namespace {

namespace fs = std::filesystem;

// What a cell may expect: the result classes of compare::result_class (the
// names of outcome::Outcome, with oom-killed split by its victims), kept here
// so that the pure matrix stage does not depend on the verdict code.
const std::vector<std::string_view> kOutcomes = {
    "completed",  "oom-killed", "oom-killed/wrong-victim", "container-hang", "guest-hang", "panic",
    "boot-failure", "infra-error"};

constexpr std::string_view kSysctl = "sysctl";  // [guest.sysctl], whose keys are free
constexpr std::string_view kExtends = "extends";
// What a matrix holds besides defaults; a file that is extended holds none of it.
const std::vector<std::string> kMatrixParts = {"cell", "axes", "include", "exclude"};

bool is_matrix_part(std::string_view key) {
  return std::find(kMatrixParts.begin(), kMatrixParts.end(), key) != kMatrixParts.end();
}

// What set a cell's parameters, in order: a default name lists what the cell
// itself set, an [[include]] matches what the cell was made of (not the
// defaults), and an error between two keys points at the later one.
enum class Origin { defaults, cell, axis, include };
struct Setting {
  std::string key;  // "workload.procs", "guest.sysctl.vm.panic_on_oom"
  toml::source_region where;
  Origin origin;
};

// A cell being built.
struct Draft {
  Cell cell;
  bool named = false;
  toml::source_region where;  // its [[cell]] (or [axes], or [[include]]) table
  std::vector<Setting> settings;

  void set(const Parameter& p, const Value& v, Origin origin) {
    p.set(v, cell);
    settings.push_back({p.name, v.node().source(), origin});
  }
  // Set by the cell's own table or an axis: what an [[include]] may not change.
  bool made_of(const std::string& key) const {
    return std::any_of(settings.begin(), settings.end(), [&](const Setting& s) {
      return s.key == key && (s.origin == Origin::cell || s.origin == Origin::axis);
    });
  }
};

// One `key = value` of a table, resolved to its parameter.
struct Assignment {
  Parameter parameter;
  Value value;
};

// The same value as the cell's? Compared as written back ("8M" = 8388608).
bool same_value(const Assignment& a, const Cell& cell) {
  Cell scratch = cell;
  a.parameter.set(a.value, scratch);
  return a.parameter.show(scratch) == a.parameter.show(cell);
}

// One [axes] entry: a parameter and the values it takes.
struct Axis {
  std::string name;  // as written: "workload.procs", "kernel"
  Parameter parameter;
  const toml::array* values;
};

// One [[include]] or [[exclude]] entry.
struct Pattern {
  toml::source_region where;
  std::vector<Assignment> keys;
  std::optional<Value> name, expect;  // [[include]] only
};

std::vector<std::string> keys_of(std::string_view section) {
  std::vector<std::string> keys;
  for (const Parameter& p : parameters())
    if (p.name.starts_with(fmt::format("{}.", section))) keys.push_back(p.key);
  if (section == "guest") keys.emplace_back(kSysctl);
  return keys;
}

// A sysctl name the guest agent could not set is refused where it is written.
void check_sysctl_name(const toml::key& key, std::string_view sysctl, std::string_view context) {
  if (const auto problem = sysctl_name_problem(sysctl)) fail_at(key.source(), fmt::format("{}: {}", context, *problem));
}

// A section's keys ([workload], [cell.workload], workload.procs = 8 inside a
// [[cell]]), and for guest its sysctl subtable, in file order.
void collect_section(const toml::table& table, std::string_view section, const std::string& table_name,
                     std::vector<Assignment>& out) {
  for (const Entry& e : in_file_order(table)) {
    const std::string key(e.key->str());
    const std::string name = fmt::format("{}.{}", table_name, key);
    if (section == "guest" && key == kSysctl) {
      for (const Entry& s : in_file_order(Value(*e.node, name).table())) {
        const std::string sysctl(s.key->str());
        check_sysctl_name(*s.key, sysctl, name);
        out.push_back({*find_parameter(fmt::format("{}{}", kSysctlPrefix, sysctl)),
                       Value(*s.node, fmt::format("{}.{}", name, sysctl))});
      }
      continue;
    }
    const auto p = find_parameter(fmt::format("{}.{}", section, key));
    if (!p) fail_unknown(*e.key, "key", table_name, keys_of(section));
    out.push_back({*p, Value(*e.node, name)});
  }
}

bool is_section(std::string_view name) {
  const auto& names = section_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// One key of a [[cell]], [[include]] or [[exclude]] table that is not the
// table's own (name, expect): a section table, a quoted "section.key", or kernel.
void collect_key(const Entry& e, std::string_view table_name, const std::vector<std::string>& own,
                 std::vector<Assignment>& out) {
  const std::string key(e.key->str());
  const std::string name = fmt::format("{}.{}", table_name, key);
  if (is_section(key)) return collect_section(Value(*e.node, name).table(), key, name, out);
  if (key.starts_with(kSysctlPrefix)) check_sysctl_name(*e.key, key.substr(kSysctlPrefix.size()), table_name);
  if (const auto p = find_parameter(key == "kernel" ? "run.kernel" : key)) {
    out.push_back({*p, Value(*e.node, fmt::format("{}.\"{}\"", table_name, key))});
    return;
  }
  std::vector<std::string> known = own;
  for (const std::string& s : section_names()) known.push_back(s);
  known.emplace_back("kernel");
  // A dotted name is compared with the dotted names: "workload.proc" -> "workload.procs".
  if (key.find('.') != std::string::npos)
    for (const Parameter& p : parameters()) known.push_back(p.name);
  fail_unknown(*e.key, "key", fmt::format("[{}]", table_name), known);
}

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

class Loader {
 public:
  Matrix load(const fs::path& file) {
    Matrix m;
    m.file = file;
    const toml::table& root = parse(file);
    std::vector<fs::path> chain = {fs::weakly_canonical(file)};
    Draft defaults;
    apply_defaults(root, chain, defaults);

    const toml::node* cells = nullptr;
    const toml::node* axes = nullptr;
    const toml::node* includes = nullptr;
    const toml::node* excludes = nullptr;
    for (const Entry& e : in_file_order(root)) {
      const std::string_view key = e.key->str();
      if (key == "cell") cells = e.node;
      if (key == "axes") axes = e.node;
      if (key == "include") includes = e.node;
      if (key == "exclude") excludes = e.node;
    }

    std::vector<Draft> bases;
    if (cells) {
      if (!cells->is_array()) Value(*cells, "cell").fail_type("an array of tables ([[cell]])");
      for (const toml::node& c : *cells->as_array()) bases.push_back(parse_cell(Value(c, "cell").table(), defaults));
    }
    std::vector<Axis> axis_list;
    if (axes) {
      axis_list = parse_axes(Value(*axes, "axes").table());
      if (!cells) {
        Draft d = defaults;
        d.where = axes->source();
        bases.push_back(std::move(d));
      }
    }
    std::vector<Draft> drafts;
    for (const Draft& base : bases)
      for (Draft& d : expand(base, axis_list)) drafts.push_back(std::move(d));

    if (excludes) drafts = exclude(drafts, patterns(*excludes, "exclude"), m.warnings);
    if (includes) include(drafts, patterns(*includes, "include"), defaults);
    if (drafts.empty())
      fail_at(root.source(), "no cells: add [[cell]] tables, an [axes] table over the defaults, or [[include]] tables");

    m.cells = finish(drafts);
    m.sha256 = util::sha256_hex(bytes_);
    return m;
  }

 private:
  // Parses a file, keeping its tree alive for the values that point into it.
  const toml::table& parse(const fs::path& file) {
    const std::string bytes = read_file(file);
    bytes_ += bytes;
    try {
      return tables_.emplace_back(toml::parse(bytes, file.string()));
    } catch (const toml::parse_error& e) {
      fail_at(e.source(), e.description());
    }
  }

  // Defaults of a file: those of the files it extends first (in order), then
  // its own. `chain` holds the files being read, to refuse a cycle.
  void apply_defaults(const toml::table& root, std::vector<fs::path>& chain, Draft& defaults) {
    const bool base = chain.size() > 1;
    std::vector<std::string> known = section_names();
    known.emplace_back(kExtends);
    if (!base) known.insert(known.end(), kMatrixParts.begin(), kMatrixParts.end());
    for (const Entry& e : in_file_order(root)) {
      const std::string key(e.key->str());
      if (key == kExtends) {
        for (const Value& v : extends_list(Value(*e.node, key))) extend(v, chain, defaults);
      } else if (is_section(key)) {
        std::vector<Assignment> keys;
        collect_section(Value(*e.node, key).table(), key, key, keys);
        for (const Assignment& a : keys) defaults.set(a.parameter, a.value, Origin::defaults);
      } else if (base && is_matrix_part(key)) {
        fail_at(e.key->source(), fmt::format("'{}' in a file that is extended: such a file holds only defaults "
                                             "([run], [container], [workload], [guest], [fault]) and extends",
                                             key));
      } else if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail_unknown(*e.key, "key", "", known);
      }
    }
  }

  static std::vector<Value> extends_list(const Value& v) {
    if (v.node().is_string()) return {v};
    if (!v.node().is_array()) v.fail_type("a file name or an array of file names");
    std::vector<Value> files;
    for (const toml::node& n : *v.node().as_array()) {
      files.emplace_back(n, v.name());
      files.back().string();  // a type error names the item
    }
    return files;
  }

  void extend(const Value& v, std::vector<fs::path>& chain, Draft& defaults) {
    const fs::path file = fs::path(*v.node().source().path).parent_path() / v.string();
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(file, ec);
    if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
      std::vector<std::string> names;
      for (const fs::path& p : chain) names.push_back(p.filename().string());
      names.push_back(file.filename().string());
      v.fail(fmt::format("a cycle: {}", fmt::join(names, " -> ")));
    }
    const toml::table* root = nullptr;
    try {
      root = &parse(file);
    } catch (const UsageError& e) {
      // A file that cannot be read is blamed on the extends that names it.
      if (!fs::is_regular_file(file)) v.fail(e.what());
      throw;
    }
    chain.push_back(canonical);
    apply_defaults(*root, chain, defaults);
    chain.pop_back();
  }

  Draft parse_cell(const toml::table& table, const Draft& defaults) const {
    Draft d = defaults;
    d.where = table.source();
    std::vector<Assignment> keys;
    for (const Entry& e : in_file_order(table)) {
      const std::string key(e.key->str());
      const Value v(*e.node, "cell." + key);
      if (key == "name") {
        d.cell.name = v.string();
        if (d.cell.name.empty()) v.fail("must not be empty");
        d.named = true;
      } else if (key == "expect") {
        d.cell.expect = v.choice(kOutcomes);
      } else {
        collect_key(e, "cell", {"name", "expect"}, keys);
      }
    }
    for (const Assignment& a : keys) d.set(a.parameter, a.value, Origin::cell);
    return d;
  }

  std::vector<Axis> parse_axes(const toml::table& table) const {
    std::vector<std::string> known = {"kernel"};
    for (const Parameter& p : parameters()) known.push_back(p.name);
    std::vector<Axis> axes;
    for (const Entry& e : in_file_order(table)) {
      const std::string name(e.key->str());
      const Value v(*e.node, fmt::format("axes.\"{}\"", name));
      if (name.starts_with(kSysctlPrefix)) check_sysctl_name(*e.key, name.substr(kSysctlPrefix.size()), "axes");
      const std::optional<Parameter> p = find_parameter(name == "kernel" ? "run.kernel" : name);
      if (!p) {
        // An unquoted dotted key (workload.procs = [...]) makes TOML tables.
        if (e.node->is_table()) v.fail("expected an array; quote dotted axis names: \"workload.procs\" = [8, 40]");
        fail_unknown(*e.key, "axis", "axes", known);
      }
      if (!e.node->is_array()) v.fail_type("an array of values");
      if (e.node->as_array()->empty()) v.fail("an axis needs at least one value");
      // Each value is read once here, so that a repeated one ("8M" and
      // 8388608) is reported where it is rather than as two equal cells.
      std::vector<std::string> seen;
      for (const toml::node& value : *e.node->as_array()) {
        Cell scratch;
        p->set(Value(value, v.name()), scratch);
        const std::string shown = p->show(scratch);
        if (std::find(seen.begin(), seen.end(), shown) != seen.end())
          Value(value, v.name()).fail(fmt::format("repeats a value ({})", label(*p, scratch)));
        seen.push_back(shown);
      }
      axes.push_back({name, *p, e.node->as_array()});
    }
    return axes;
  }

  // The cartesian product of the axes over one base cell; the first axis
  // varies slowest.
  static std::vector<Draft> expand(const Draft& base, const std::vector<Axis>& axes) {
    std::vector<Draft> drafts = {base};
    for (const Axis& axis : axes) {
      std::vector<Draft> next;
      for (const Draft& d : drafts) {
        for (const toml::node& value : *axis.values) {
          Draft copy = d;
          copy.set(axis.parameter, Value(value, fmt::format("axes.\"{}\"", axis.name)), Origin::axis);
          next.push_back(std::move(copy));
        }
      }
      drafts = std::move(next);
    }
    return drafts;
  }

  // [[include]] or [[exclude]] tables.
  static std::vector<Pattern> patterns(const toml::node& node, std::string_view what) {
    const Value list(node, std::string(what));
    if (what == "include" && node.is_string())
      list.fail("expected an array of tables ([[include]]); to share another file's defaults, write extends = \"FILE\"");
    if (!node.is_array()) list.fail_type(fmt::format("an array of tables ([[{}]])", what));
    const std::vector<std::string> own =
        what == "include" ? std::vector<std::string>{"name", "expect"} : std::vector<std::string>{};
    std::vector<Pattern> out;
    for (const toml::node& n : *node.as_array()) {
      const toml::table& table = Value(n, std::string(what)).table();
      Pattern p;
      p.where = table.source();
      for (const Entry& e : in_file_order(table)) {
        const std::string key(e.key->str());
        const Value v(*e.node, fmt::format("{}.{}", what, key));
        if (what == "include" && key == "name") {
          if (v.string().empty()) v.fail("must not be empty");
          p.name = v;
        } else if (what == "include" && key == "expect") {
          v.choice(kOutcomes);
          p.expect = v;
        } else {
          collect_key(e, what, own, p.keys);
        }
      }
      if (p.keys.empty() && !p.name)
        fail_at(p.where, fmt::format("an empty [[{}]] would {} every cell; give the keys it matches", what,
                                     what == "include" ? "change" : "remove"));
      // Each value is checked now, also where the pattern matches no cell.
      Cell scratch;
      for (const Assignment& a : p.keys) a.parameter.set(a.value, scratch);
      out.push_back(std::move(p));
    }
    return out;
  }

  // Removes the cells in which every key of some [[exclude]] has that value
  // (defaults included); an [[exclude]] that matches nothing is a warning.
  static std::vector<Draft> exclude(const std::vector<Draft>& drafts, const std::vector<Pattern>& excludes,
                                    std::vector<std::string>& warnings) {
    std::vector<bool> removed(drafts.size(), false);
    for (const Pattern& x : excludes) {
      int matched = 0;
      for (std::size_t i = 0; i < drafts.size(); ++i) {
        const bool match = std::all_of(x.keys.begin(), x.keys.end(),
                                       [&](const Assignment& a) { return same_value(a, drafts[i].cell); });
        if (match) removed[i] = true;
        matched += match;
      }
      if (matched == 0)
        warnings.push_back(fmt::format("{}:{}:{}: warning: this [[exclude]] matches no cell", *x.where.path,
                                       x.where.begin.line, x.where.begin.column));
    }
    std::vector<Draft> kept;
    for (std::size_t i = 0; i < drafts.size(); ++i)
      if (!removed[i]) kept.push_back(drafts[i]);
    if (kept.empty() && !drafts.empty())
      fail_at(excludes.front().where, fmt::format("the [[exclude]] tables remove all {} cells", drafts.size()));
    return kept;
  }

  // GitHub Actions' include: an [[include]] extends every cell whose own keys
  // (from its [[cell]] or an axis, and its name) it does not contradict, with
  // its other keys; one that extends no cell is a cell of its own.
  static void include(std::vector<Draft>& drafts, const std::vector<Pattern>& includes, const Draft& defaults) {
    const std::size_t expanded = drafts.size();
    for (const Pattern& in : includes) {
      int extended = 0;
      for (std::size_t i = 0; i < expanded; ++i) {
        Draft& d = drafts[i];
        const bool fits =
            std::all_of(in.keys.begin(), in.keys.end(),
                        [&](const Assignment& a) { return !d.made_of(a.parameter.name) || same_value(a, d.cell); }) &&
            (!in.name || !d.named || in.name->string() == d.cell.name);
        if (!fits) continue;
        ++extended;
        apply(in, d, Origin::include);
      }
      if (extended == 0) {
        Draft d = defaults;
        d.where = in.where;
        apply(in, d, Origin::cell);  // its keys are its own, as a [[cell]]'s
        drafts.push_back(std::move(d));
      }
    }
  }

  static void apply(const Pattern& in, Draft& d, Origin origin) {
    for (const Assignment& a : in.keys)
      if (!d.made_of(a.parameter.name)) d.set(a.parameter, a.value, origin);
    if (in.expect) d.cell.expect = in.expect->string();
    if (in.name && !d.named) {
      d.cell.name = in.name->string();
      d.named = true;
    }
  }

  // "k6.1" for each kernel when the matrix has more than one, "" otherwise.
  static std::map<std::string, std::string> kernel_prefixes(const std::vector<Draft>& drafts) {
    std::map<std::string, std::string> prefix;
    for (const Draft& d : drafts) prefix[d.cell.run.kernel] = "k" + kernel_short(d.cell.run.kernel);
    if (prefix.size() == 1) prefix.begin()->second.clear();
    // Two kernels with one short form (two 6.1 builds) keep their full specs apart.
    std::set<std::string> shorts;
    for (const auto& [spec, p] : prefix) shorts.insert(p);
    if (shorts.size() != prefix.size())
      for (auto& [spec, p] : prefix) p = "k" + spec;
    return prefix;
  }

  // A cell's name: the kernel when the matrix has several, then its own name
  // or "<user>-<procs>x<size>" plus what the cell set itself; then what its
  // axes and includes gave it.
  static std::string name_of(const Draft& d, const std::string& kernel) {
    const WorkloadSettings& w = d.cell.workload;
    std::string name = d.named ? d.cell.name
                               : fmt::format("{}-{}x{}", user_name(w.uid), w.procs, util::format_size(w.size));
    if (!kernel.empty()) name = kernel + "-" + name;
    // Keys already in the name: the kernel, the default name's own, then each one once.
    std::vector<std::string> in_name = {"run.kernel"};
    if (!d.named) in_name.insert(in_name.end(), {"workload.user", "workload.procs", "workload.size"});
    for (const Setting& s : d.settings) {
      if (s.origin == Origin::defaults || (d.named && s.origin == Origin::cell)) continue;
      if (std::find(in_name.begin(), in_name.end(), s.key) != in_name.end()) continue;
      in_name.push_back(s.key);
      name += "-" + label(*find_parameter(s.key), d.cell);
    }
    return name;
  }

  // The last setting of the cell that `matches`; nullptr when none does (a value left at the built-in default).
  template <typename Match>
  static const Setting* last_setting(const Draft& d, Match matches) {
    const auto s = std::find_if(d.settings.rbegin(), d.settings.rend(), matches);
    return s == d.settings.rend() ? nullptr : &*s;
  }

  // Where the later of two keys was set, for an error about both.
  static toml::source_region later_setting(const Draft& d, std::string_view a, std::string_view b) {
    const Setting* s = last_setting(d, [&](const Setting& x) { return x.key == a || x.key == b; });
    return s ? s->where : d.where;
  }

  // Where the cell's last sysctl was set.
  static toml::source_region last_sysctl(const Draft& d) {
    const Setting* s = last_setting(d, [](const Setting& x) { return x.key.starts_with(kSysctlPrefix); });
    return s ? s->where : d.where;
  }

  // The setting that gave a cell its value of `key`; nullptr for a value left at the built-in default.
  static const Setting* setting_of(const Draft& d, std::string_view key) {
    return last_setting(d, [&](const Setting& x) { return x.key == key; });
  }

  // The agent would stop such a cell inside the guest (guest/memcg.c); the
  // error points at the killer-off setting, which singles the cell out,
  // unless that is a default: then at where the cell got v2.
  static void check_oom_killer(const Draft& d) {
    const ContainerSettings& c = d.cell.container;
    if (c.cgroup != "v2" || !c.oom_kill_disable) return;
    // Both were set somewhere: the built-in defaults are v1 and the killer on.
    const Setting* off = setting_of(d, "container.oom_kill_disable");
    const Setting* v2 = setting_of(d, "container.cgroup");
    const bool at_off = off->origin != Origin::defaults;
    const std::string_view off_text = "container.oom_kill_disable = true";
    const std::string_view v2_text = "container.cgroup = \"v2\"";
    fail_at((at_off ? off : v2)->where,
            fmt::format("cell '{}': {} here, with {}: cgroup v2 has no switch to turn the OOM killer off; use "
                        "cgroup = \"v1\" for this cell, or exclude the combination with [[exclude]]",
                        d.cell.name, at_off ? off_text : v2_text, at_off ? v2_text : off_text));
  }

  static void check(const Draft& d) {
    const Cell& c = d.cell;
    if (c.container.limit > c.run.guest_memory)
      fail_at(later_setting(d, "container.limit", "run.guest_memory"),
              fmt::format("cell '{}': container.limit {} is larger than run.guest_memory {}", c.name,
                          util::format_size(c.container.limit), util::format_size(c.run.guest_memory)));
    if (c.container.memsw_limit != 0 && c.container.memsw_limit < c.container.limit)
      fail_at(later_setting(d, "container.memsw_limit", "container.limit"),
              fmt::format("cell '{}': container.memsw_limit {} is less than container.limit {}", c.name,
                          util::format_size(c.container.memsw_limit), util::format_size(c.container.limit)));
    if (c.guest.sysctl.size() > KM_MAX_SYSCTLS)
      fail_at(last_sysctl(d), fmt::format("cell '{}': {} sysctls, the guest agent takes up to {}", c.name,
                                          c.guest.sysctl.size(), KM_MAX_SYSCTLS));
    const uint64_t forking_ms = static_cast<uint64_t>(c.workload.procs) * c.workload.fork_pacing_ms;
    if (forking_ms >= c.run.workload_timeout_ms)
      fail_at(later_setting(d, "workload.fork_pacing", "run.workload_timeout"),
              fmt::format("cell '{}': forking {} processes {} apart takes {}, not less than run.workload_timeout {}",
                          c.name, c.workload.procs, util::format_duration(c.workload.fork_pacing_ms),
                          util::format_duration(forking_ms), util::format_duration(c.run.workload_timeout_ms)));
    check_oom_killer(d);
    if (!c.run.connect.empty() && c.run.backend != "libvirt")
      fail_at(setting_of(d, "run.connect")->where,
              fmt::format("cell '{}': run.connect names libvirt hosts, but the cell runs with run.backend \"{}\"; "
                          "set run.backend = \"libvirt\" beside it, or leave run.connect out",
                          c.name, c.run.backend));
  }

  static std::vector<Cell> finish(std::vector<Draft>& drafts) {
    const std::map<std::string, std::string> kernels = kernel_prefixes(drafts);
    std::map<std::string, const Draft*> by_name;
    std::map<std::string, const Draft*> by_id;
    std::vector<Cell> cells;
    for (Draft& d : drafts) {
      d.cell.name = name_of(d, kernels.at(d.cell.run.kernel));
      check(d);
      normalize(d.cell);
      if (const auto [it, fresh] = by_name.emplace(d.cell.name, &d); !fresh)
        fail_at(d.where, fmt::format("two cells are named '{}' (lines {} and {})", d.cell.name,
                                     it->second->where.begin.line, d.where.begin.line));
      const std::string id = cell_id(d.cell);
      if (const auto [it, fresh] = by_id.emplace(id, &d); !fresh)
        fail_at(d.where,
                fmt::format("cells '{}' (line {}) and '{}' (line {}) have the same parameters (cell ID {})",
                            it->second->cell.name, it->second->where.begin.line, d.cell.name, d.where.begin.line,
                            id));
      cells.push_back(d.cell);
    }
    return cells;
  }

  std::deque<toml::table> tables_;  // every file read; values point into them
  std::string bytes_;               // every file's bytes, in the order read
};

}  // namespace

Matrix load_matrix(const fs::path& file) { return Loader().load(file); }

}  // namespace kmx::matrix
