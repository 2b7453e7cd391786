#include "matrix/cell.h"

#include "util/sha256.h"

namespace kmx::matrix {

nlohmann::json parameters_json(const Cell& cell) {
  // run.accel is left out: KVM or TCG runs the same experiment, only faster.
  const RunSettings& r = cell.run;
  const ContainerSettings& c = cell.container;
  const WorkloadSettings& w = cell.workload;
  nlohmann::json sysctl = nlohmann::json::object();
  for (const auto& [name, value] : cell.guest.sysctl) sysctl[name] = value;
  return {
      {"run",
       {{"kernel", r.kernel},
        {"modules_dir", r.modules_dir},
        {"guest_memory", r.guest_memory},
        {"cpus", r.cpus},
        {"boot_timeout_ms", r.boot_timeout_ms},
        {"heartbeat_timeout_ms", r.heartbeat_timeout_ms},
        {"workload_timeout_ms", r.workload_timeout_ms}}},
      {"container",
       {{"cgroup", c.cgroup},
        {"limit", c.limit},
        {"memsw_limit", c.memsw_limit},
        {"oom_kill_disable", c.oom_kill_disable},
        {"pid_namespace", c.pid_namespace}}},
      {"workload", {{"procs", w.procs}, {"size", w.size}, {"hold_ms", w.hold_ms}, {"uid", w.uid}}},
      {"guest", {{"swap", cell.guest.swap}, {"sysctl", sysctl}, {"cmdline", cell.guest.cmdline}}},
      {"fault", {{"freeze_vm_after_ms", cell.fault.freeze_vm_after_ms}}},
  };
}

std::string cell_id(const Cell& cell) { return util::sha256_hex(parameters_json(cell).dump()).substr(0, 16); }

}  // namespace kmx::matrix
