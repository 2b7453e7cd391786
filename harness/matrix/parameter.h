// Every parameter a matrix file can set, in one table: its dotted name, how a
// TOML value sets it, how its value reads ("8M", "v2"), and its value for
// comparisons. The loader, --filter and the --dry-run table all use it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "matrix/cell.h"
#include "matrix/toml_value.h"

namespace kmx::matrix {

// How a parameter's value is written and compared.
enum class Kind {
  text,      // strings and choices: compared for equality only
  integer,   // procs, cpus, repeat
  boolean,   // true / false
  size,      // bytes, written "8M"
  duration,  // milliseconds, written "90s"
  user,      // a uid, written "root", "nonroot" or a number
};

// A parameter's value in a cell: sizes in bytes, durations in ms, users as uids.
using Scalar = std::variant<uint64_t, bool, std::string>;

struct Parameter {
  std::string name;  // "workload.procs", "guest.sysctl.vm.panic_on_oom"
  std::string key;   // the name inside its table: "procs", "vm.panic_on_oom"
  Kind kind;
  std::function<void(const Value&, Cell&)> set;
  std::function<std::string(const Cell&)> show;  // "8M", "nonroot", "v2"; "" for an unset sysctl
  std::function<Scalar(const Cell&)> value;
};

// The tables that hold parameters, in the order of docs/matrix.md.
const std::vector<std::string>& section_names();

// Every parameter but sysctls, in the order of docs/matrix.md.
const std::vector<Parameter>& parameters();

// "section.key", or "guest.sysctl.NAME" for any sysctl name; nullopt otherwise.
std::optional<Parameter> find_parameter(std::string_view dotted);

// A parameter as part of a cell name: "procs40" (a key is glued to a value
// that starts with a digit), "cgroup=v2", "vm.panic_on_oom=1".
std::string label(const Parameter& parameter, const Cell& cell);

// "root", "nonroot" or "uid<N>".
std::string user_name(int uid);

// What is wrong with a sysctl name, and what to write instead, as the end of
// a message ("\"vm..x\" is not a sysctl name: ...; ..."); nullopt for a name
// the guest agent can set. The agent writes /proc/sys/<name> with each dot
// turned into a slash (guest/system.c), so a name is parts of letters,
// digits, _ and -, joined by single dots: no '/', no empty part.
std::optional<std::string> sysctl_name_problem(std::string_view name);

inline constexpr std::string_view kSysctlPrefix = "guest.sysctl.";

}  // namespace kmx::matrix
