// Who a process of the container was. The agent reports the pids of the
// container's init, of each helper it starts (respawns included) and of the
// workload parent as they are created (`role` lines); any other process of
// the container is a workload child. An OOM report only names its victim, and
// a fresh fork still carries its parent's name (a helper being respawned is
// a "ctinit" until it renames itself), so the name is only the fallback.
#pragma once

#include <optional>
#include <string_view>
#include <unordered_map>

#include "agent/protocol.h"

namespace kmx::outcome {

enum class Role { init, helper, parent, child, other };
std::string_view to_string(Role role);  // "init", "helper", "parent", "child", "other"
std::optional<Role> role_from_string(std::string_view text);
// The name the agent gives a process of that role: "ctinit", "helper",
// "wlparent", "wlchild" ("" for other).
std::string_view process_name(Role role);
// How reports name a process: by its role's process name, so that a fork of
// ctinit killed before it renamed itself reads "helper"; `comm`, the name the
// console printed, for other (and for records without roles).
std::string_view display_name(std::optional<Role> role, std::string_view comm);

class Roles {
 public:
  void add(int pid, Role role);
  // A `role` line (pid=N role=init|helper|parent), or `started`, which names
  // the init (ctinit=N) too. Throws agent::ProtocolError when the pid or the
  // role is missing or wrong.
  void add(const agent::Message& msg);

  // The role of a process the console named `comm`.
  Role of(int pid, std::string_view comm) const;

 private:
  std::unordered_map<int, Role> by_pid_;
  int init_pid_ = 0;
  int parent_pid_ = 0;
};

}  // namespace kmx::outcome
