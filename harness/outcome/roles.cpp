#include "outcome/roles.h"

#include <charconv>

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

void Roles::add(int pid, Role role) {
  by_pid_[pid] = role;
  if (role == Role::init) init_pid_ = pid;
  if (role == Role::parent) parent_pid_ = pid;
}

void Roles::add(const agent::Message& line) {
  const bool started = line.type == KM_MSG_STARTED;
  const std::string pid_text = line.get(started ? "ctinit" : "pid").value_or("");
  const std::string role_text = started ? KM_ROLE_INIT : line.get("role").value_or("");
  int pid = 0;
  const auto [end, ec] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (ec != std::errc{} || end != pid_text.data() + pid_text.size() || pid <= 0)
    throw agent::ProtocolError(fmt::format("role {}: pid={} is not a pid", line.seq, pid_text));
  const std::optional<Role> role = role_from_string(role_text);
  // Children and others are what is left: the agent never names them.
  if (!role || *role == Role::child || *role == Role::other)
    throw agent::ProtocolError(fmt::format("role {}: unknown role={}", line.seq, role_text));
  add(pid, *role);
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
