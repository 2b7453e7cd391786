#include "matrix/cell.h"

#include "util/sha256.h"

namespace kmx::matrix {

void normalize(Cell& cell) {
  if (cell.container.memsw_limit == cell.container.limit) cell.container.memsw_limit = 0;
}

nlohmann::json parameters_json(const Cell& original) {
  // run.backend, run.connect, run.accel, run.boot and run.repeat are left out: they say
  // how the experiment runs (which VM, how fast, how often), not what it is.
  Cell cell = original;
  normalize(cell);
  const RunSettings& r = cell.run;
  const ContainerSettings& c = cell.container;
  const WorkloadSettings& w = cell.workload;
  nlohmann::json sysctl = nlohmann::json::object();
  for (const auto& [name, value] : cell.guest.sysctl) sysctl[name] = value;
  nlohmann::json json = {
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
  // Parameters added after the first release appear only when set, so that
  // adding one does not rename every cell already recorded.
  if (w.fork_pacing_ms != 0) json["workload"]["fork_pacing_ms"] = w.fork_pacing_ms;
  if (cell.fault.kill_workload_parent_after_ms != 0)
    json["fault"]["kill_workload_parent_after_ms"] = cell.fault.kill_workload_parent_after_ms;
  return json;
}

std::string cell_id(const Cell& cell) { return util::sha256_hex(parameters_json(cell).dump()).substr(0, 16); }

}  // namespace kmx::matrix
