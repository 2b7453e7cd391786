// DIR/run.json: what produced a run (kmatrix and QEMU versions, host, the
// matrix file and its hash) and when. Rewritten atomically at the start and
// at the end, so it is never half-written.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace kmx::results {

struct RunInfo {
  std::string kmatrix_version;
  std::string qemu_version;
  std::string host;  // uname: nodename, release, machine
  std::string accel;
  std::filesystem::path matrix_file;
  std::string matrix_sha256;
  std::string started;   // ISO 8601 UTC
  std::string ended;     // empty while running
  std::string status;    // running | finished | interrupted | failed
  int cells_total = 0;  // runs of this run (cells x repeats, this shard)
  int cells_done = 0;
  int jobs = 1;
  nlohmann::json options;  // what selected the runs, so --resume can redo it
  // Per host: {host (URI, "" for this machine), version, accel, jobs, memory_budget_mib}.
  nlohmann::json hosts = nlohmann::json::array();
};

nlohmann::json to_json(const RunInfo& info);
void write_run_info(const std::filesystem::path& run_dir, const RunInfo& info);

// DIR/run.json as written; UsageError naming the file when DIR holds no run
// or the file is not a JSON object.
nlohmann::json read_run_info(const std::filesystem::path& run_dir);

// DIR has a run.json or cells.jsonl: writing a run there would mix two runs.
bool holds_run(const std::filesystem::path& dir);

std::string host_description();
std::string utc_now_iso8601();

}  // namespace kmx::results
