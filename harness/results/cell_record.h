// One line of cells.jsonl: the cell, the kernel it ran on, the verdict with
// its victims and flags, timings, the agent's last counters and where the
// evidence lies.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/protocol.h"
#include "image/kernel.h"
#include "matrix/cell.h"
#include "outcome/verdict.h"

namespace kmx::results {

struct CellTimings {
  int64_t cell_ms = 0;                // QEMU start to VM gone
  std::optional<int64_t> restore_ms;  // QEMU start to a restored guest's CPUs started
  std::optional<int64_t> start_ms;    // VM start asked to guest CPUs started (the backend's own cost)
  std::optional<int64_t> boot_ms;     // guest CPUs started to agent `ready`
  std::optional<int64_t> overhead_ms; // QEMU start to the agent taking its cell (`cell-ok`)
  std::optional<int64_t> workload_ms; // workload start to verdict
  int64_t verdict_ms = 0;             // QEMU start to verdict
  int64_t longest_stall_ms = 0;       // under OOM with no workload progress
};

struct CellRecordInput {
  const matrix::Cell& cell;
  const image::Kernel& kernel;
  std::string guest_kernel;  // uname -r as the agent saw it
  std::string accel;
  std::string host;  // libvirt URI that ran it; empty: this machine
  const outcome::Verdict& verdict;
  CellTimings timings;
  std::optional<agent::Heartbeat> last_heartbeat;
  int64_t peak_usage = 0;               // highest memcg usage in any heartbeat, bytes
  outcome::AgentFinal final;            // `workload-done`: its counters replace the heartbeat's
  std::vector<std::string> oom_scores;  // pid:comm:uid:score, as the agent read them under pressure
  int rejected_agent_lines = 0;
  std::filesystem::path evidence;  // relative to the run directory
  int repeat = 0;                  // which run of the cell, 0-based
  std::string snapshot;            // key of the snapshot the guest was restored from; empty: booted cold
  std::string snapshot_fallback;   // why a cell asking for a snapshot booted cold; empty if it did not
  uint64_t memory_charged = 0;     // what the scheduler counted it for against the host's memory
  std::optional<uint64_t> private_peak;  // the most the guest held privately, sampled; nullopt: not measured
};

nlohmann::json cell_record(const CellRecordInput& in);

}  // namespace kmx::results
