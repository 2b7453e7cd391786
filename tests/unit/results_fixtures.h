// Hand-written cell records for report, compare and history tests: the
// shape of cells.jsonl lines, with only what a test varies spelled out.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "results/run_results.h"

namespace kmx::fixtures {

struct Rec {
  std::string name = "fits";
  std::string outcome = "completed";
  std::string kernel = "debian:bookworm";
  std::string release = "6.1.0-56-amd64";
  int procs = 8;
  int64_t size = 4 << 20;
  int uid = 1000;
  bool killer_off = false;
  std::vector<std::string> flags = {};
  std::vector<std::string> victims = {};  // comms
  std::string expect = "";
  int64_t workload_ms = 3000;
  int repeat = -1;  // -1: no "repeat" key, as records before --repeat
  std::string detail = "";
};

inline nlohmann::json record(const Rec& r) {
  const nlohmann::json parameters = {
      {"run", {{"kernel", r.kernel}, {"modules_dir", ""}, {"guest_memory", 536870912}, {"cpus", 2}}},
      {"container", {{"cgroup", "v1"}, {"limit", 100663296}, {"memsw_limit", 0}, {"oom_kill_disable", r.killer_off}}},
      {"workload", {{"procs", r.procs}, {"size", r.size}, {"hold_ms", 3000}, {"uid", r.uid}}},
  };
  // The ID depends on the parameters only, as matrix::cell_id does.
  const std::string id = std::to_string(std::hash<std::string>{}(parameters.dump())).substr(0, 16);
  nlohmann::json victims = nlohmann::json::array();
  int pid = 100;
  for (const std::string& comm : r.victims)
    victims.push_back({{"pid", pid++}, {"comm", comm}, {"uid", r.uid}, {"score", 1}, {"workload_child", comm == "wlchild"}});
  nlohmann::json j = {
      {"cell_id", id},
      {"name", r.name},
      {"expect", r.expect.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.expect)},
      {"kernel", {{"spec", r.kernel}, {"release", r.release}, {"version", r.release + " #1"}}},
      {"accel", "tcg"},
      {"parameters", parameters},
      {"outcome", r.outcome},
      {"victims", victims},
      {"flags", r.flags},
      {"detail", r.detail},
      {"timings", {{"cell_ms", r.workload_ms + 20000}, {"workload_ms", r.workload_ms}, {"verdict_ms", 0}}},
      {"agent", {{"peak_usage", 1 << 20}}},
      {"oom_scores", nlohmann::json::array()},
      {"evidence", "cells/" + id},
  };
  if (r.repeat >= 0) j["repeat"] = r.repeat;
  return j;
}

inline std::vector<results::CellResult> cells(const std::vector<Rec>& recs) {
  std::vector<results::CellResult> out;
  for (const Rec& r : recs) out.push_back(results::cell_result(record(r)));
  return out;
}

inline results::RunResults run(const std::vector<Rec>& recs, const std::string& started = "2026-11-01T10:00:00Z") {
  results::RunResults run;
  run.info = {{"started", started}, {"ended", started}, {"status", "finished"}, {"host", "test"},
              {"accel", "tcg"}, {"matrix", {{"file", "m.toml"}, {"sha256", "ab"}}}};
  run.run_id = results::run_id(run.info);
  run.cells = cells(recs);
  return run;
}

// A run directory on disk, as `kmatrix run` leaves it.
inline void write_run_dir(const std::filesystem::path& dir, const results::RunResults& run) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "run.json") << run.info.dump(2);
  std::ofstream out(dir / "cells.jsonl");
  for (const results::CellResult& c : run.cells) out << c.record.dump() << "\n";
}

inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("kmx-unit-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace kmx::fixtures
