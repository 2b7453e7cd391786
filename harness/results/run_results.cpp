#include "results/run_results.h"

#include <fmt/format.h>


#include "results/cells_file.h"
#include "results/run_info.h"
#include "util/error.h"
#include "util/sha256.h"

namespace kmx::results {

namespace fs = std::filesystem;

bool CellResult::has_flag(std::string_view flag) const {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

namespace {

template <typename T>
T required(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) throw std::invalid_argument(fmt::format("no \"{}\"", key));
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(fmt::format("\"{}\" has the wrong type", key));
  }
}

std::string optional_string(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

CellResult cell_result(const nlohmann::json& record) {
  if (!record.is_object()) throw std::invalid_argument("not a JSON object");
  CellResult c;
  c.cell_id = required<std::string>(record, "cell_id");
  c.repeat = record.value("repeat", 0);
  c.name = required<std::string>(record, "name");
  c.expect = optional_string(record, "expect");
  const nlohmann::json kernel = record.value("kernel", nlohmann::json::object());
  c.kernel_spec = optional_string(kernel, "spec");
  c.kernel_release = optional_string(kernel, "release");
  c.parameters = required<nlohmann::json>(record, "parameters");
  c.outcome = required<std::string>(record, "outcome");
  c.flags = record.value("flags", std::vector<std::string>{});
  c.victims = record.value("victims", nlohmann::json::array());
  c.detail = optional_string(record, "detail");
  const nlohmann::json timings = record.value("timings", nlohmann::json::object());
  c.cell_ms = timings.value("cell_ms", int64_t{0});
  if (const auto w = timings.find("workload_ms"); w != timings.end() && w->is_number_integer())
    c.workload_ms = w->get<int64_t>();
  c.agent = record.value("agent", nlohmann::json::object());
  c.evidence = optional_string(record, "evidence");
  c.record = record;
  return c;
}

std::string run_id(const nlohmann::json& info) {
  const nlohmann::json matrix = info.value("matrix", nlohmann::json::object());
  const std::string identity =
      fmt::format("{}\n{}\n{}", info.value("started", ""), info.value("host", ""), matrix.value("sha256", ""));
  return util::sha256_hex(identity).substr(0, 12);
}

RunResults read_run(const fs::path& dir) {
  RunResults run;
  run.dir = dir;
  run.info = read_run_info(dir);
  run.run_id = run_id(run.info);

  // A torn last line (a run cut mid-write) is not a record: cells_file sets it apart.
  const CellsFile cells = read_cells_file(dir);
  for (size_t i = 0; i < cells.records.size(); ++i) {
    try {
      run.cells.push_back(cell_result(cells.records[i]));
    } catch (const std::exception& e) {
      throw UsageError(fmt::format("{}:{}: not a cell record: {}", (dir / "cells.jsonl").string(), i + 1, e.what()));
    }
  }
  return run;
}

}  // namespace kmx::results
