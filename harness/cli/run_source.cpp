#include "cli/run_source.h"

#include <fmt/format.h>

#include <cstdio>

#include "history/history_db.h"
#include "util/atomic_file.h"

namespace kmx::cli {

namespace fs = std::filesystem;

fs::path db_path(const fs::path& option) { return option.empty() ? history::default_db_path() : option; }

results::RunResults load_run(const std::string& dir_or_id, const fs::path& db) {
  // A path (a slash, or something that exists) is a directory: a typo in one is reported as such.
  if (dir_or_id.find('/') != std::string::npos || fs::exists(dir_or_id)) return results::read_run(dir_or_id);
  return history::HistoryDb(db_path(db)).load_run(dir_or_id);
}

void write_output(const fs::path& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  util::write_file_atomically(path, text);
}

}  // namespace kmx::cli
