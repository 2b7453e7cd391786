#include "runner/validation_side.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "history/history_db.h"
#include "matrix/cell.h"
#include "runner/prepared_kernel.h"
#include "runner/schedule.h"
#include "util/error.h"

namespace kmx::runner {

namespace {

// The newest `wanted` verdicts of this cell on exactly this kernel (same
// bzImage), or none when the history holds fewer.
std::vector<history::HistoryRow> reusable(history::HistoryDb& db, const std::string& cell_id,
                                          const std::string& kernel_sha256, int wanted) {
  history::HistoryFilter filter;
  filter.cell = cell_id;
  filter.limit = 1000;
  std::vector<history::HistoryRow> rows;
  for (history::HistoryRow& row : db.query(filter)) {
    const nlohmann::json& k = row.cell.record.value("kernel", nlohmann::json::object());
    if (row.cell.cell_id == cell_id && k.value("sha256", "") == kernel_sha256 && row.cell.outcome != "infra-error")
      rows.push_back(std::move(row));
  }
  if (static_cast<int>(rows.size()) < wanted) return {};
  return {rows.end() - wanted, rows.end()};  // oldest first: the newest are last
}

// "id!=a id!=b": run_matrix's filter for the cells left to run.
std::string skip_filter(const std::set<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "id!=" : " id!=") + id;
  return out;
}

}  // namespace

std::string Side::label() const { return fmt::format("{} ({})", options.spec, kernel.release); }

std::string Side::evidence_of(const results::CellResult& c, const std::filesystem::path& base) const {
  const auto i = static_cast<size_t>(&c - cells.data());
  if (i < reused_from.size()) return fmt::format("history run {}: {}", reused_from[i], c.evidence);
  return (std::filesystem::relative(options.dir, base) / c.evidence).string();
}

Side plan_side(const matrix::Matrix& m, const SideOptions& options, const RunOptions& run) {
  Side side;
  side.options = options;
  fmt::print(stderr, "kmatrix: validate: {} kernel {}\n", options.role, options.spec);
  side.kernel = image::resolve_kernel(options.spec, options.modules_dir, run.cache_dir.empty() ? image::default_cache_dir() : run.cache_dir);
  std::optional<history::HistoryDb> db;
  if (options.reuse) db.emplace(options.history);
  for (const matrix::Cell& cell : m.cells) {
    matrix::Cell here = cell;
    override_kernel(here, options.spec, options.modules_dir);
    const image::KernelReport report = image::check_kernel_image(side.kernel, cell_needs(here));
    if (!report.check.can_run()) {
      side.not_runnable.push_back({cell.name, options.role, report.check.missing_summary()});
      side.skip.insert(matrix::cell_id(cell));
      continue;
    }
    const int repeats = repeats_of(cell, run.repeat);
    if (db) {
      const auto rows = reusable(*db, matrix::cell_id(here), side.kernel.sha256, repeats);
      for (const history::HistoryRow& row : rows) {
        side.reused.push_back(row.cell);
        side.reused_from.push_back(row.run_id);
      }
      if (!rows.empty()) {
        side.skip.insert(matrix::cell_id(cell));
        continue;
      }
    }
    side.to_run += repeats;
  }
  fmt::print(stderr, "kmatrix: validate: {} is {}: {} run(s) to do, {} verdict(s) reused, {} cell(s) it cannot run\n",
             options.role, side.kernel.release, side.to_run, side.reused.size(), side.not_runnable.size());
  return side;
}

int run_side(Side& side, const RunOptions& shared) {
  side.cells = side.reused;
  if (side.to_run == 0) return kExitOk;
  RunOptions run = shared;
  run.out_dir = side.options.dir;
  run.kernel_override = side.options.spec;
  run.modules_dir = side.options.modules_dir;
  run.filter = skip_filter(side.skip);
  const int rc = run_matrix(run);
  if (rc != kExitOk) return rc;
  const results::RunResults done = results::read_run(side.options.dir);
  side.cells.insert(side.cells.end(), done.cells.begin(), done.cells.end());
  return kExitOk;
}

}  // namespace kmx::runner
