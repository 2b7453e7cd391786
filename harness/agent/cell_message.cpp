#include "agent/cell_message.h"

#include <fmt/format.h>

#include "protocol.h"

namespace kmx::agent {

std::vector<std::string> modules_needed(const matrix::Cell& cell) {
  if (cell.guest.swap == 0) return {};
  return {kSwapModule};
}

std::vector<std::pair<std::string, std::string>> cell_fields(const matrix::Cell& cell,
                                                             const std::vector<image::Module>& modules) {
  const auto& c = cell.container;
  const auto& w = cell.workload;
  std::vector<std::pair<std::string, std::string>> f = {
      {KM_CELL_PROCS, std::to_string(w.procs)},
      {KM_CELL_SIZE, std::to_string(w.size)},
      {KM_CELL_HOLD_MS, std::to_string(w.hold_ms)},
      {KM_CELL_FORK_PACING_MS, std::to_string(w.fork_pacing_ms)},
      {KM_CELL_UID, std::to_string(w.uid)},
      {KM_CELL_CGROUP, c.cgroup},
      {KM_CELL_LIMIT, std::to_string(c.limit)},
      {KM_CELL_MEMSW, std::to_string(c.memsw_limit)},
      {KM_CELL_OOM_KILL_DISABLE, c.oom_kill_disable ? "1" : "0"},
      {KM_CELL_PIDNS, c.pid_namespace ? "1" : "0"},
      {KM_CELL_SWAP, std::to_string(cell.guest.swap)},
  };
  if (cell.guest.swap > 0) f.emplace_back(KM_CELL_SWAP_DEV, kSwapDevice);
  if (const uint64_t ms = cell.fault.kill_workload_parent_after_ms) f.emplace_back(KM_CELL_KILL_WLPARENT_MS, std::to_string(ms));
  for (const image::Module& m : modules) {
    // brd sizes its one disk to the cell's swap.
    const std::string params = m.name == kSwapModule ? fmt::format("rd_nr=1 rd_size={}", swap_disk_kib(cell)) : "";
    f.emplace_back(KM_CELL_MODULE, fmt::format("{}.ko:{}", m.name, params));
  }
  for (const auto& [name, value] : cell.guest.sysctl) f.emplace_back(KM_CELL_SYSCTL, name + ":" + value);
  return f;
}

}  // namespace kmx::agent
