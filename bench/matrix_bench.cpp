// How fast a matrix file becomes cells: parsing, [axes] expansion,
// validation and cell IDs, for matrices of 1,000 to 100,000 cells. Expansion
// must never be what a run waits for.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "matrix/matrix_file.h"

namespace {

namespace fs = std::filesystem;

// A matrix of procs x sizes x users cells through [axes].
fs::path write_matrix(int procs, int sizes, int users) {
  const fs::path file = fs::temp_directory_path() / fmt::format("kmx-bench-{}-{}x{}x{}.toml", ::getpid(), procs, sizes, users);
  std::ofstream out(file);
  out << "[run]\nguest_memory = \"1G\"\n[container]\nlimit = \"512M\"\n[axes]\n";
  const auto axis = [&](const char* key, int n, auto value) {
    out << '"' << key << "\" = [";
    for (int i = 0; i < n; ++i) out << (i ? ", " : "") << value(i);
    out << "]\n";
  };
  axis("workload.procs", procs, [](int i) { return std::to_string(i + 1); });
  axis("workload.size", sizes, [](int i) { return fmt::format("\"{}K\"", 4 * (i + 1)); });
  axis("workload.user", users, [](int i) { return std::to_string(1000 + i); });
  return file;
}

void BM_LoadMatrix(benchmark::State& state) {
  const int procs = static_cast<int>(state.range(0)), sizes = static_cast<int>(state.range(1)),
            users = static_cast<int>(state.range(2));
  const fs::path file = write_matrix(procs, sizes, users);
  size_t cells = 0;
  for (auto _ : state) {
    const kmx::matrix::Matrix m = kmx::matrix::load_matrix(file);
    cells = m.cells.size();
    benchmark::DoNotOptimize(m.cells.data());
  }
  fs::remove(file);
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["cells_per_s"] = benchmark::Counter(static_cast<double>(cells), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;  // of the process so far
}

}  // namespace

BENCHMARK(BM_LoadMatrix)
    ->Args({10, 10, 10})     // 1,000 cells
    ->Args({100, 10, 10})    // 10,000
    ->Args({100, 100, 10})   // 100,000
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
