#include "matrix/parameter.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "protocol.h"  // the guest agent's limits
#include "util/units.h"

namespace kmx::matrix {

namespace {

// Which member of Cell holds a settings struct, so the table names only the field.
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

template <typename S>
constexpr std::string_view kSection = "";
template <>
constexpr std::string_view kSection<RunSettings> = "run";
template <>
constexpr std::string_view kSection<ContainerSettings> = "container";
template <>
constexpr std::string_view kSection<WorkloadSettings> = "workload";
template <>
constexpr std::string_view kSection<GuestSettings> = "guest";
template <>
constexpr std::string_view kSection<FaultSettings> = "fault";

template <typename S, typename T, typename Read, typename Show>
Parameter field(std::string key, Kind kind, T S::*member, Read read, Show show) {
  return {.name = fmt::format("{}.{}", kSection<S>, key),
          .key = key,
          .kind = kind,
          .set = [member, read](const Value& v, Cell& c) { c.*kPart<S>.*member = read(v); },
          .show = [member, show](const Cell& c) { return show(c.*kPart<S>.*member); },
          .value = [member](const Cell& c) -> Scalar {
            const T& v = c.*kPart<S>.*member;
            if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool>)
              return v;
            else
              return static_cast<uint64_t>(v);
          }};
}

std::string same(const std::string& s) { return s; }
std::string number(uint64_t n) { return std::to_string(n); }

template <typename S>
Parameter string_field(std::string key, std::string S::*member) {
  return field(key, Kind::text, member, [](const Value& v) { return v.string(); }, same);
}

template <typename S>
Parameter choice_field(std::string key, std::string S::*member, std::vector<std::string_view> allowed) {
  return field(key, Kind::text, member, [allowed](const Value& v) { return v.choice(allowed); }, same);
}

template <typename S>
Parameter int_field(std::string key, int S::*member, int min, int max) {
  return field(key, Kind::integer, member,
               [min, max](const Value& v) { return static_cast<int>(v.integer(min, max)); }, number);
}

template <typename S>
Parameter bool_field(std::string key, bool S::*member) {
  return field(
      key, Kind::boolean, member, [](const Value& v) { return v.boolean(); },
      [](bool b) { return std::string(b ? "true" : "false"); });
}

template <typename S>
Parameter size_field(std::string key, uint64_t S::*member, uint64_t min, uint64_t multiple = 1) {
  return field(
      key, Kind::size, member, [min, multiple](const Value& v) { return v.size(min, multiple); },
      util::format_size);
}

template <typename S>
Parameter duration_field(std::string key, uint64_t S::*member, uint64_t min_ms) {
  return field(
      key, Kind::duration, member, [min_ms](const Value& v) { return v.duration(min_ms); },
      util::format_duration);
}

constexpr int kNonrootUid = 1000;

// workload.user: "root", "nonroot" or a numeric uid.
Parameter user_field() {
  const auto read = [](const Value& v) {
    if (v.node().is_integer()) return static_cast<int>(v.integer(0, std::numeric_limits<int>::max()));
    if (!v.node().is_string()) v.fail_type("\"root\", \"nonroot\" or an integer uid");
    const std::string name = v.string();
    if (name == "root") return 0;
    if (name == "nonroot") return kNonrootUid;
    v.fail(fmt::format("\"{}\" is not \"root\", \"nonroot\" or an integer uid", name));
  };
  return field("user", Kind::user, &WorkloadSettings::uid, read, user_name);
}

// run.kernel: an empty spec names no kernel, and would only fail when the run fetches it.
Parameter kernel_field() {
  const auto read = [](const Value& v) {
    std::string spec = v.string();
    if (spec.empty())
      v.fail("must not be empty; write a catalog name (\"debian:bookworm\"), a cache SHA-256 or a bzImage path");
    return spec;
  };
  return field("kernel", Kind::text, &RunSettings::kernel, read, same);
}

// guest.cmdline: QEMU's -append and the kernel take one line. A tab is refused
// too: the kernel reads it as a space, so it says nothing a space does not,
// and it would misalign the --dry-run table and break the cell names that show the value.
Parameter cmdline_field() {
  const auto read = [](const Value& v) {
    std::string line = v.string();
    const auto control =
        std::find_if(line.begin(), line.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; });
    if (control != line.end()) {
      const std::string_view what =
          *control == '\n' ? "a newline" : *control == '\t' ? "a tab" : "a control character";
      v.fail(fmt::format("{:?} holds {}, but the kernel command line is one line; separate its parameters with spaces",
                         line, what));
    }
    return line;
  };
  return field("cmdline", Kind::text, &GuestSettings::cmdline, read, same);
}

Parameter backend_field() {
  const auto read = [](const Value& v) { return v.choice({"qemu", "libvirt"}); };
  return field("backend", Kind::text, &RunSettings::backend, read, same);
}

// run.connect: one libvirt URI or a list of them, each host once (a host
// named twice would count its jobs and memory twice).
Parameter connect_parameter() {
  const auto uri = [](const Value& v) {
    std::string text = v.string();
    if (text.empty() || text.find_first_of(" \t\n") != std::string::npos)
      v.fail(fmt::format("{:?} is not a libvirt URI; write one such as \"qemu:///system\" or "
                         "\"qemu+ssh://user@host/system\"",
                         text));
    return text;
  };
  const auto set = [uri](const Value& v, Cell& c) {
    std::vector<std::string> uris;
    if (v.node().is_string()) {
      uris.push_back(uri(v));
    } else if (const toml::array* list = v.node().as_array()) {
      if (list->empty()) v.fail("an empty list names no host; leave run.connect out for qemu:///system");
      for (const toml::node& n : *list) {
        const Value item(n, v.name());
        std::string text = uri(item);
        if (std::find(uris.begin(), uris.end(), text) != uris.end())
          item.fail(fmt::format("names {} twice; list each host once", text));
        uris.push_back(std::move(text));
      }
    } else {
      v.fail_type("a libvirt URI or an array of them");
    }
    c.run.connect = std::move(uris);
  };
  const auto show = [](const Cell& c) { return fmt::format("{}", fmt::join(c.run.connect, ",")); };
  return {.name = "run.connect",
          .key = "connect",
          .kind = Kind::text,
          .set = set,
          .show = show,
          .value = [show](const Cell& c) -> Scalar { return show(c); }};
}

Parameter sysctl_parameter(std::string name) {
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
    if (const std::string& value = c.guest.sysctl[name]; value.size() > KM_SYSCTL_VALUE_MAX)
      v.fail(fmt::format("{:?} is {} bytes long, the guest agent takes values of up to {}", value, value.size(),
                         KM_SYSCTL_VALUE_MAX));
  };
  const auto show = [name](const Cell& c) {
    const auto it = c.guest.sysctl.find(name);
    return it == c.guest.sysctl.end() ? std::string() : it->second;
  };
  return {.name = fmt::format("{}{}", kSysctlPrefix, name),
          .key = name,
          .kind = Kind::text,
          .set = set,
          .show = show,
          .value = [show](const Cell& c) -> Scalar { return show(c); }};
}

}  // namespace

const std::vector<std::string>& section_names() {
  static const std::vector<std::string> names = {"run", "container", "workload", "guest", "fault"};
  return names;
}

const std::vector<Parameter>& parameters() {
  static const std::vector<Parameter> table = {
      kernel_field(),
      string_field("modules", &RunSettings::modules_dir),
      backend_field(),
      connect_parameter(),
      choice_field("accel", &RunSettings::accel, {"auto", "kvm", "tcg"}),
      choice_field("boot", &RunSettings::boot, {"snapshot", "cold"}),
      // QEMU's -m takes whole MiB.
      size_field("guest_memory", &RunSettings::guest_memory, 1ull << 20, 1ull << 20),
      int_field("cpus", &RunSettings::cpus, 1, 64),
      duration_field("boot_timeout", &RunSettings::boot_timeout_ms, 1),
      // The agent heartbeats every second: a shorter silence is no hang.
      duration_field("heartbeat_timeout", &RunSettings::heartbeat_timeout_ms, 2'000),
      duration_field("workload_timeout", &RunSettings::workload_timeout_ms, 1),
      int_field("repeat", &RunSettings::repeat, 1, std::numeric_limits<int>::max()),
      choice_field("cgroup", &ContainerSettings::cgroup, {"v1", "v2"}),
      size_field("limit", &ContainerSettings::limit, 1),
      size_field("memsw_limit", &ContainerSettings::memsw_limit, 0),
      bool_field("oom_kill_disable", &ContainerSettings::oom_kill_disable),
      bool_field("pid_namespace", &ContainerSettings::pid_namespace),
      int_field("procs", &WorkloadSettings::procs, 1, std::numeric_limits<int>::max()),
      size_field("size", &WorkloadSettings::size, 1),
      duration_field("hold", &WorkloadSettings::hold_ms, 0),
      user_field(),
      duration_field("fork_pacing", &WorkloadSettings::fork_pacing_ms, 0),
      // The swap disk is a brd ram disk sized in KiB holding whole pages.
      size_field("swap", &GuestSettings::swap, 0, 4096),
      cmdline_field(),
      duration_field("freeze_vm_after", &FaultSettings::freeze_vm_after_ms, 0),
      duration_field("kill_workload_parent_after", &FaultSettings::kill_workload_parent_after_ms, 0),
  };
  return table;
}

std::optional<Parameter> find_parameter(std::string_view dotted) {
  if (dotted.starts_with(kSysctlPrefix) && !sysctl_name_problem(dotted.substr(kSysctlPrefix.size())))
    return sysctl_parameter(std::string(dotted.substr(kSysctlPrefix.size())));
  for (const Parameter& p : parameters())
    if (p.name == dotted) return p;
  return std::nullopt;
}

std::string label(const Parameter& parameter, const Cell& cell) {
  const std::string value = parameter.show(cell);
  // "procs40" reads well, "cgroupv2" and "vm.panic_on_oom1" do not.
  const bool glue = !value.empty() && value[0] >= '0' && value[0] <= '9' && !parameter.name.starts_with(kSysctlPrefix);
  return fmt::format("{}{}{}", parameter.key, glue ? "" : "=", value);
}

std::string user_name(int uid) {
  if (uid == 0) return "root";
  if (uid == kNonrootUid) return "nonroot";
  return fmt::format("uid{}", uid);
}

std::optional<std::string> sysctl_name_problem(std::string_view name) {
  constexpr std::string_view kExample =
      "separate its parts with single dots, as sysctl -a prints them: \"vm.panic_on_oom\"";
  const auto problem = [&](std::string_view what) {
    return fmt::format("{:?} is not a sysctl name: {}; {}", name, what, kExample);
  };
  if (name.empty()) return problem("it is empty");
  if (name.size() > KM_SYSCTL_NAME_MAX)
    return fmt::format("{:?} is {} bytes long, the guest agent takes sysctl names of up to {}", name, name.size(),
                       KM_SYSCTL_NAME_MAX);
  for (const char ch : name) {
    // sysctl(8) writes a dot inside a part (a VLAN interface "eth0.100") as '/': the agent cannot name that file.
    if (ch == '/') return problem("'/' is not allowed (the guest agent turns each dot into a '/' itself)");
    const bool allowed = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                         ch == '_' || ch == '-' || ch == '.';
    if (!allowed) return problem(fmt::format("{:?} is not a letter, digit, '_', '-' or '.'", ch));
  }
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos)
    return problem("it has an empty part (a leading, trailing or doubled '.')");
  return std::nullopt;
}

}  // namespace kmx::matrix
