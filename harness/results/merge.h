// `kmatrix merge`: joins the runs of one matrix made on several machines
// (--shard I/N) into one run directory, as if one machine had run them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kmx::results {

struct RunToMerge {
  std::string origin;  // the directory, for messages
  nlohmann::json run_info;
  std::vector<nlohmann::json> records;
};

struct MergedRun {
  nlohmann::json run_info;
  std::vector<nlohmann::json> records;
};

// Refuses (UsageError) runs of different matrices or options, and a cell run
// recorded twice; otherwise keeps every record, in input order.
MergedRun merge_runs(const std::vector<RunToMerge>& runs);

// Reads each DIR, merges, and writes OUT (new) with cells.jsonl, run.json
// and every record's evidence copied.
void merge_run_dirs(const std::vector<std::filesystem::path>& dirs, const std::filesystem::path& out);

}  // namespace kmx::results
