// The end of `kmatrix run`: the finished run goes into the default history
// database. The run directory is the source of truth, so a failure here is a
// warning (with the command that retries it), never a lost or failed run.
#pragma once

#include <filesystem>

namespace kmx::history {

void ingest_after_run(const std::filesystem::path& run_dir) noexcept;

}  // namespace kmx::history
