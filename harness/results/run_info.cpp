#include "results/run_info.h"

#include <sys/utsname.h>

#include <chrono>
#include <fstream>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "util/atomic_file.h"
#include "util/error.h"

namespace kmx::results {

nlohmann::json to_json(const RunInfo& info) {
  return {
      {"kmatrix_version", info.kmatrix_version},
      {"qemu_version", info.qemu_version},
      {"host", info.host},
      {"accel", info.accel},
      {"matrix", {{"file", info.matrix_file.string()}, {"sha256", info.matrix_sha256}}},
      {"started", info.started},
      {"ended", info.ended},
      {"status", info.status},
      {"cells_total", info.cells_total},
      {"cells_done", info.cells_done},
      {"jobs", info.jobs},
      {"options", info.options},
      {"hosts", info.hosts},
  };
}

void write_run_info(const std::filesystem::path& run_dir, const RunInfo& info) {
  util::write_file_atomically(run_dir / "run.json", to_json(info).dump(2) + "\n");
}

nlohmann::json read_run_info(const std::filesystem::path& run_dir) {
  const std::filesystem::path path = run_dir / "run.json";
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("{}: no run here (cannot read run.json)", run_dir.string()));
  nlohmann::json info = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!info.is_object()) throw UsageError(fmt::format("{}: not a JSON object", path.string()));
  return info;
}

bool holds_run(const std::filesystem::path& dir) {
  return std::filesystem::exists(dir / "run.json") || std::filesystem::exists(dir / "cells.jsonl");
}

std::string host_description() {
  struct utsname u {};
  if (::uname(&u) != 0) return "unknown";
  return fmt::format("{} {} {}", u.nodename, u.release, u.machine);
}

std::string utc_now_iso8601() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now);
}

}  // namespace kmx::results
