#include "runner/run_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

#include "results/cells_file.h"
#include "results/run_info.h"
#include "util/error.h"

namespace kmx::runner {

namespace fs = std::filesystem;

void create_run_dir(const fs::path& dir) {
  if (results::holds_run(dir))
    throw UsageError(fmt::format("--out {}: already holds a run (choose a new directory, or --resume it)", dir.string()));
  std::error_code ec;
  fs::create_directories(dir / "cells", ec);
  if (ec) throw UsageError(fmt::format("--out {}: cannot create: {}", dir.string(), ec.message()));
  if (::access(dir.c_str(), W_OK) != 0) throw UsageError(fmt::format("--out {}: not writable", dir.string()));
}

ResumedRun reopen_run_dir(const fs::path& dir) {
  ResumedRun r;
  r.run_info = results::read_run_info(dir);
  if (!r.run_info.contains("options"))
    throw UsageError(fmt::format("{}: not a run.json kmatrix can resume", (dir / "run.json").string()));

  const results::CellsFile cells = results::read_cells_file(dir);
  if (!cells.torn_tail.empty()) {
    const fs::path torn = dir / "cells.jsonl.torn";
    std::ofstream(torn, std::ios::binary | std::ios::app) << cells.torn_tail;
    if (::truncate((dir / "cells.jsonl").c_str(), static_cast<off_t>(cells.intact_bytes)) != 0)
      throw_errno("truncating " + (dir / "cells.jsonl").string());
    fmt::print(stderr, "kmatrix: {}: a torn last line ({} bytes) was moved to {}\n", (dir / "cells.jsonl").string(),
               cells.torn_tail.size(), torn.string());
  }
  for (const nlohmann::json& record : cells.records) r.done.insert(results::record_key(record));
  return r;
}

}  // namespace kmx::runner
