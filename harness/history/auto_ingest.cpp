#include "history/auto_ingest.h"

#include <fmt/format.h>

#include "history/history_db.h"

namespace kmx::history {

void ingest_after_run(const std::filesystem::path& run_dir) noexcept {
  try {
    const std::filesystem::path db = default_db_path();
    const IngestResult r = HistoryDb(db).ingest(results::read_run(run_dir));
    fmt::print(stderr, "kmatrix: run {} added to the history in {}\n", r.run_id, db.string());
  } catch (const std::exception& e) {
    fmt::print(stderr, "kmatrix: warning: run not added to the history: {} (retry: kmatrix ingest {})\n", e.what(),
               run_dir.string());
  }
}

}  // namespace kmx::history
