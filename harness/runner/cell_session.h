// One cell, start to verdict: boots the guest (or restores its snapshot,
// falling back to a cold boot when the restore fails), hands the agent its cell,
// follows the console and agent streams, lets the watchdog decide when the
// cell is over, collects evidence, stops the VM and returns the record.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "matrix/cell.h"
#include "runner/prepared_kernel.h"
#include "runner/snapshot_cache.h"
#include "vm/backend.h"

namespace kmx::runner {

struct CellJob {
  const matrix::Cell& cell;
  const PreparedKernel& kernel;
  std::string accel;
  std::filesystem::path evidence_dir;  // console.log, agent.log, qemu.log
  std::filesystem::path evidence_rel;  // the same, relative to the run directory
  int repeat = 0;                      // which run of the cell (--repeat)
  SnapshotCache* snapshots = nullptr;  // null: every cell boots cold
  uint64_t charged = 0;                // of the host's memory budget (schedule.h), for the record
};

using Progress = std::function<void(const std::string& phase)>;

// Whether the cell would start now from a snapshot already made, rather
// than boot (cold, or once to make the snapshot).
bool restores_now(vm::Backend& backend, const CellJob& job);

// The cells.jsonl record, or nullopt when the run was interrupted mid-cell.
std::optional<nlohmann::json> run_cell(vm::Backend& backend, const CellJob& job, const Progress& progress);

}  // namespace kmx::runner
