#include "outcome/roles.h"

#include <limits>

#include <fmt/format.h>

namespace kmx::outcome {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::init: return "init";
    case Role::helper: return "helper";
    case Role::parent: return "parent";
    case Role::child: return "child";
    case Role::other: return "other";
  }
  return "?";
}

std::optional<Role> role_from_string(std::string_view text) {
  for (const Role role : {Role::init, Role::helper, Role::parent, Role::child, Role::other})
    if (text == to_string(role)) return role;
  return std::nullopt;
}

std::string_view process_name(Role role) {
  switch (role) {
    case Role::init: return "ctinit";
    case Role::helper: return "helper";
    case Role::parent: return "wlparent";
    case Role::child: return "wlchild";
    case Role::other: return "";
  }
  return "";
}

std::string_view display_name(std::optional<Role> role, std::string_view comm) {
  return !role || *role == Role::other ? comm : process_name(*role);
}

void Roles::add(int pid, Role role) {
  by_pid_[pid] = role;
  if (role == Role::init) init_pid_ = pid;
  if (role == Role::parent) parent_pid_ = pid;
}

void Roles::add(const agent::Message& line) {
  const bool started = line.type == KM_MSG_STARTED;
  const char* pid_key = started ? "ctinit" : "pid";
  const std::optional<int64_t> pid = line.get_int(pid_key);
  const std::string role_text = started ? KM_ROLE_INIT : line.get("role").value_or("");
  if (!pid || *pid <= 0 || *pid > std::numeric_limits<int>::max())
    throw agent::ProtocolError(
        fmt::format("role {}: {}={} is not a pid", line.seq, pid_key, line.get(pid_key).value_or("")));
  const std::optional<Role> role = role_from_string(role_text);
  // Children and others are what is left: the agent never names them.
  if (!role || *role == Role::child || *role == Role::other)
    throw agent::ProtocolError(fmt::format("role {}: unknown role={}", line.seq, role_text));
  add(static_cast<int>(*pid), *role);
}

Role Roles::of(int pid, std::string_view comm) const {
  // Only the workload parent's forks call themselves wlchild, so the name
  // wins over a registration: that pid was reused after its owner died.
  if (comm == process_name(Role::child)) return Role::child;
  if (const auto it = by_pid_.find(pid); it != by_pid_.end()) return it->second;
  // Killed before it registered: it still has the name of whoever forked it.
  if (comm == process_name(Role::parent)) return parent_pid_ != 0 && pid != parent_pid_ ? Role::child : Role::parent;
  if (comm == process_name(Role::init)) return init_pid_ != 0 && pid != init_pid_ ? Role::helper : Role::init;
  if (comm == process_name(Role::helper)) return Role::helper;
  return Role::other;
}

}  // namespace kmx::outcome
