// Reading a run's cells.jsonl back: for --resume and for merging shards.
// Only the last line can be torn (a write cut by a crash): it is reported
// apart, never taken for a record.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kmx::results {

struct CellsFile {
  std::vector<nlohmann::json> records;
  size_t intact_bytes = 0;  // the prefix of whole, valid lines
  std::string torn_tail;    // what follows it, if anything
};

// `origin` names the file in errors: a bad line before the last one is a
// UsageError "origin:LINE: ...", since something other than kmatrix wrote it.
CellsFile parse_cells_jsonl(std::string_view text, const std::string& origin);

// DIR/cells.jsonl; a missing file is an empty run.
CellsFile read_cells_file(const std::filesystem::path& run_dir);

// (cell ID, repeat) of a record; records from before repeats count as 0.
std::pair<std::string, int> record_key(const nlohmann::json& record);

}  // namespace kmx::results
