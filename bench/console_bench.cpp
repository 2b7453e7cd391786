// How fast the console parser reads a log: the real corpus of
// tests/data/console concatenated to >= 100 MB, parsed whole in 64 KiB chunks
// as a VM's stream arrives. In the same run, `grep -c -E` of the trigger
// patterns over the same bytes: the parser should keep at least half of
// grep's speed while understanding every report, not only counting lines.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "console/console_parser.h"

namespace {

namespace fs = std::filesystem;

constexpr size_t kTarget = 100u << 20;

const std::string& corpus() {
  static const std::string text = [] {
    std::string one;
    for (const auto& entry : fs::directory_iterator(KMATRIX_TEST_DATA "/console"))
      if (entry.path().extension() == ".log") {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        one += s.str();
        if (!one.empty() && one.back() != '\n') one += '\n';
      }
    std::string all;
    all.reserve(kTarget + one.size());
    while (all.size() < kTarget) all += one;
    return all;
  }();
  return text;
}

// The corpus on disk for grep, removed when the benchmark exits.
struct CorpusFile {
  fs::path path = fs::temp_directory_path() / fmt::format("kmx-console-bench-{}.log", ::getpid());
  CorpusFile() { std::ofstream(path, std::ios::binary) << corpus(); }
  ~CorpusFile() { fs::remove(path); }
};

const fs::path& corpus_file() {
  static const CorpusFile file;
  return file.path;
}

void BM_ConsoleParse(benchmark::State& state) {
  const std::string& text = corpus();
  size_t kills = 0;
  for (auto _ : state) {
    kmx::console::ConsoleParser parser;
    for (size_t pos = 0; pos < text.size(); pos += 64 << 10)
      benchmark::DoNotOptimize(parser.feed(std::string_view(text).substr(pos, 64 << 10)));
    benchmark::DoNotOptimize(parser.finish());
    kills = parser.oom_kills().size();
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
  state.counters["kills"] = static_cast<double>(kills);
  // The corpus itself is ~100 MB of this: the parser's own share is what is above it.
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void BM_GrepTriggers(benchmark::State& state) {
  const fs::path& file = corpus_file();
  const std::string cmd = fmt::format(
      "grep -c -E 'invoked oom-killer|Killed process|Kernel panic|soft lockup|hard LOCKUP|blocked for more than|"
      "rcu.*stall|BUG:|Oops:|general protection fault|WARNING:|Show Blocked State|oom_reaper' '{0}' >'{0}.count'",
      file.string());  // not >/dev/null: GNU grep then stops at the first match
  for (auto _ : state)
    if (std::system(cmd.c_str()) == -1) state.SkipWithError("grep did not run");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * fs::file_size(file)));
  fs::remove(file.string() + ".count");
}

}  // namespace

BENCHMARK(BM_ConsoleParse)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GrepTriggers)->Unit(benchmark::kMillisecond)->UseRealTime();
