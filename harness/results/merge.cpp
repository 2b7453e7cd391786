#include "results/merge.h"

#include <map>

#include <fmt/format.h>

#include "results/cells_file.h"
#include "results/cells_log.h"
#include "results/run_info.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace kmx::results {

namespace fs = std::filesystem;

namespace {

// What must agree for two runs to be parts of one: the matrix and every
// option that selects or changes cells, except the shard.
nlohmann::json identity(const nlohmann::json& run_info) {
  nlohmann::json options = run_info.value("options", nlohmann::json::object());
  options.erase("shard");
  options.erase("matrix");  // the same file may sit at different paths on two machines
  return {{"matrix_sha256", run_info.at("matrix").at("sha256")}, {"options", options}};
}

RunToMerge read_run(const fs::path& dir) {
  RunToMerge run{dir.string(), read_run_info(dir), {}};
  if (!run.run_info.contains("matrix"))
    throw UsageError(fmt::format("{}: not a kmatrix run.json", (dir / "run.json").string()));
  const CellsFile cells = read_cells_file(dir);
  if (!cells.torn_tail.empty())
    throw UsageError(fmt::format("{}: ends in a torn line; finish it with kmatrix run --resume {} first",
                                 (dir / "cells.jsonl").string(), dir.string()));
  run.records = cells.records;
  return run;
}

}  // namespace

MergedRun merge_runs(const std::vector<RunToMerge>& runs) {
  if (runs.empty()) throw UsageError("merge: no runs given");
  const nlohmann::json first = identity(runs.front().run_info);
  MergedRun merged{runs.front().run_info, {}};
  std::map<std::pair<std::string, int>, std::string> seen;  // -> origin
  nlohmann::json parts = nlohmann::json::array();
  int total = 0;
  bool finished = true;
  for (const RunToMerge& run : runs) {
    if (identity(run.run_info) != first)
      throw UsageError(fmt::format("merge: {} is not a part of the same run as {}: matrix or options differ ({} vs {})",
                                   run.origin, runs.front().origin, identity(run.run_info).dump(),
                                   first.dump()));
    for (const nlohmann::json& record : run.records) {
      const auto key = record_key(record);
      const auto [it, fresh] = seen.emplace(key, run.origin);
      if (!fresh)
        throw UsageError(fmt::format("merge: cell {} (run {}) is recorded in both {} and {}", key.first,
                                     key.second + 1, it->second, run.origin));
      merged.records.push_back(record);
    }
    total += run.run_info.value("cells_total", 0);
    finished = finished && run.run_info.value("status", "") == "finished";
    parts.push_back({{"dir", run.origin}, {"shard", run.run_info.value("options", nlohmann::json::object()).value("shard", "")},
                     {"status", run.run_info.value("status", "")}});
  }
  merged.run_info["options"]["shard"] = "";
  merged.run_info["merged_from"] = parts;
  merged.run_info["cells_total"] = total;
  merged.run_info["cells_done"] = merged.records.size();
  merged.run_info["status"] = finished ? "finished" : "interrupted";
  return merged;
}

void merge_run_dirs(const std::vector<fs::path>& dirs, const fs::path& out) {
  std::vector<RunToMerge> runs;
  for (const fs::path& dir : dirs) runs.push_back(read_run(dir));
  const MergedRun merged = merge_runs(runs);

  if (holds_run(out))
    throw UsageError(fmt::format("--out {}: already holds a run", out.string()));
  fs::create_directories(out / "cells");
  for (const RunToMerge& run : runs)
    for (const nlohmann::json& record : run.records) {
      const std::string rel = record.value("evidence", "");
      if (!rel.empty() && fs::exists(fs::path(run.origin) / rel))
        fs::copy(fs::path(run.origin) / rel, out / rel,
                 fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
  CellsLog log(out);
  for (const nlohmann::json& record : merged.records) log.append(record);
  util::write_file_atomically(out / "run.json", merged.run_info.dump(2) + "\n");
}

}  // namespace kmx::results
