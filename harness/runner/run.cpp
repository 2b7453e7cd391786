#include "runner/run.h"

#include <unistd.h>

#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "history/auto_ingest.h"
#include "image/kernel.h"
#include "matrix/matrix_file.h"
#include "results/cells_log.h"
#include "results/run_info.h"
#include "runner/accel_probe.h"
#include "runner/cell_session.h"
#include "runner/interrupt.h"
#include "runner/prepared_kernel.h"
#include "util/error.h"
#include "vm/qemu_backend.h"

namespace kmx::runner {

namespace fs = std::filesystem;

namespace {

fs::path default_out_dir() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fs::path("results") / fmt::format("{:%Y%m%dT%H%M%SZ}", now);
}

// The output directory must be new or empty of results: a second run never
// mixes its verdicts into another's cells.jsonl.
void create_out_dir(const fs::path& dir) {
  if (fs::exists(dir / "cells.jsonl") || fs::exists(dir / "run.json"))
    throw UsageError(fmt::format("--out {}: already holds a run (choose a new directory)", dir.string()));
  std::error_code ec;
  fs::create_directories(dir / "cells", ec);
  if (ec) throw UsageError(fmt::format("--out {}: cannot create: {}", dir.string(), ec.message()));
  if (::access(dir.c_str(), W_OK) != 0)
    throw UsageError(fmt::format("--out {}: not writable", dir.string()));
}

std::string describe_cell(const matrix::Cell& cell, int index, int total) {
  return fmt::format("[{}/{}] {} ({})", index, total, cell.name, matrix::cell_id(cell));
}

// "[2/3] exceeds (ab12...) -> oom-killed [wrong-victim] in 41.2s (expected completed)"
std::string summary_line(const std::string& label, const nlohmann::json& record) {
  const std::string outcome = record.at("outcome").get<std::string>();
  std::string flags;
  for (const auto& flag : record.at("flags")) flags += (flags.empty() ? "" : ",") + flag.get<std::string>();
  std::string line = fmt::format("{} -> {}{} in {:.1f}s", label, outcome, flags.empty() ? "" : " [" + flags + "]",
                                 record.at("timings").at("cell_ms").get<double>() / 1000.0);
  const auto& expect = record.at("expect");
  if (expect.is_string() && expect.get<std::string>() != outcome)
    line += fmt::format(" (expected {})", expect.get<std::string>());
  return line;
}

}  // namespace

int run_matrix(const RunOptions& options) {
  matrix::Matrix m = matrix::load_matrix(options.matrix_file);
  for (matrix::Cell& cell : m.cells) {
    if (!options.kernel_override.empty()) {
      cell.run.kernel = options.kernel_override;
      cell.run.modules_dir = options.modules_dir.string();
    }
    if (options.accel != "auto") cell.run.accel = options.accel;
  }
  const fs::path cache_dir = options.cache_dir.empty() ? image::default_cache_dir() : options.cache_dir;

  // Everything that can be checked is checked before a VM starts and before
  // the output directory exists.
  const auto kernels = prepare_kernels(m.cells, cache_dir);
  vm::QemuBackend backend;
  const std::string qemu_version = backend.version();
  const fs::path out = options.out_dir.empty() ? default_out_dir() : options.out_dir;
  create_out_dir(out);

  install_interrupt_handlers();
  results::RunInfo info{
      .kmatrix_version = KMATRIX_VERSION,
      .qemu_version = qemu_version,
      .host = results::host_description(),
      .accel = "",
      .matrix_file = fs::absolute(options.matrix_file),
      .matrix_sha256 = m.sha256,
      .started = results::utc_now_iso8601(),
      .ended = "",
      .status = "running",
      .cells_total = static_cast<int>(m.cells.size()),
      .cells_done = 0,
  };
  results::write_run_info(out, info);
  results::CellsLog log(out);

  const bool tty = ::isatty(STDERR_FILENO);
  int index = 0;
  for (const matrix::Cell& cell : m.cells) {
    ++index;
    const PreparedKernel& kernel = kernels.at(cell.run.kernel);
    const std::string accel = choose_accel(cell.run.accel, backend, kernel, cache_dir);
    if (info.accel.empty() || info.accel == accel) info.accel = accel; else info.accel = "mixed";

    const std::string label = describe_cell(cell, index, info.cells_total);
    const fs::path evidence = out / "cells" / matrix::cell_id(cell);
    fs::create_directories(evidence);
    auto progress = [&](const std::string& phase) {
      if (tty) fmt::print(stderr, "\r\x1b[K{} {}", label, phase);
    };
    const auto record = run_cell(backend, {cell, kernel, accel, evidence, fs::relative(evidence, out)}, progress);
    if (tty) fmt::print(stderr, "\r\x1b[K");
    if (!record) break;  // interrupted: nothing half-decided is recorded
    log.append(*record);
    ++info.cells_done;
    fmt::print(stderr, "{}\n", summary_line(label, *record));
    results::write_run_info(out, info);
  }

  const int sig = interrupt_signal();
  info.status = sig ? "interrupted" : "finished";
  info.ended = results::utc_now_iso8601();
  results::write_run_info(out, info);
  fmt::print(stderr, "kmatrix: {} of {} cells recorded in {}\n", info.cells_done, info.cells_total,
             (out / "cells.jsonl").string());
  history::ingest_after_run(out);
  return sig ? 128 + sig : kExitOk;
}

}  // namespace kmx::runner
