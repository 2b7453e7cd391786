#include "results/run_info.h"

#include <sys/utsname.h>

#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "util/atomic_file.h"

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
  };
}

void write_run_info(const std::filesystem::path& run_dir, const RunInfo& info) {
  util::write_file_atomically(run_dir / "run.json", to_json(info).dump(2) + "\n");
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
