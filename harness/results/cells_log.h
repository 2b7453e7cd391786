// DIR/cells.jsonl: one JSON object per finished cell, the source of truth of
// a run. Each record is appended and fsynced as its cell ends, so an
// interrupted run loses nothing that was decided.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace kmx::results {

class CellsLog {
 public:
  explicit CellsLog(const std::filesystem::path& run_dir);
  ~CellsLog();
  CellsLog(const CellsLog&) = delete;
  CellsLog& operator=(const CellsLog&) = delete;

  void append(const nlohmann::json& record);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace kmx::results
