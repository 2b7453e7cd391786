// How fast the console parser reads a log: the real corpus of
// tests/data/console concatenated to >= 100 MB, parsed whole in 64 KiB chunks
// as a VM's stream arrives. In the same run, `grep -c -E` of the trigger
// patterns over the same bytes: the parser should keep at least half of
// grep's speed while understanding every report, not only counting lines.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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

// The whole corpus through a parser, in 64 KiB chunks; returns the kills.
size_t parse_corpus() {
  const std::string& text = corpus();
  kmx::console::ConsoleParser parser;
  for (size_t pos = 0; pos < text.size(); pos += 64 << 10)
    benchmark::DoNotOptimize(parser.feed(std::string_view(text).substr(pos, 64 << 10)));
  benchmark::DoNotOptimize(parser.finish());
  return parser.oom_kills().size();
}

// `grep -c -E TRIGGERS corpus > corpus.count` (not >/dev/null: GNU grep
// then stops at the first match). Through posix_spawn, not std::system: a
// fork of this process would write-protect its 200 MB, and the parse timed
// after it would pay a page fault for each page it writes.
bool run_grep() {
  const std::string file = corpus_file().string(), count = file + ".count";
  const char* argv[] = {"grep", "-c", "-E",
                        "invoked oom-killer|Killed process|Kernel panic|soft lockup|hard LOCKUP|blocked for more than|"
                        "rcu.*stall|BUG:|Oops:|general protection fault|WARNING:|Show Blocked State|oom_reaper",
                        file.c_str(), nullptr};
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, count.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, "grep", &actions, nullptr, const_cast<char**>(argv), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  return rc == 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) <= 1;
}

void BM_ConsoleParse(benchmark::State& state) {
  const std::string& text = corpus();
  size_t kills = 0;
  for (auto _ : state) kills = parse_corpus();
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
  for (auto _ : state)
    if (!run_grep()) state.SkipWithError("grep did not run");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * fs::file_size(file)));
  fs::remove(file.string() + ".count");
}

// The goal's measure, robust on a shared machine: the parse and grep timed
// in pairs, back to back, so that a slow spell of the host slows both. The
// iteration time is the parse's; `ratio` is the parser's speed over grep's.
void BM_ParseToGrepRatio(benchmark::State& state) {
  const fs::path& file = corpus_file();
  using clock = std::chrono::steady_clock;
  std::chrono::duration<double> parse_total{}, grep_total{};
  for (auto _ : state) {
    const auto t0 = clock::now();
    parse_corpus();
    const auto t1 = clock::now();
    if (!run_grep()) state.SkipWithError("grep did not run");
    const auto t2 = clock::now();
    parse_total += t1 - t0;
    grep_total += t2 - t1;
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  const double mb = static_cast<double>(state.iterations() * corpus().size()) / 1e6;
  state.counters["parse_MB/s"] = mb / parse_total.count();
  state.counters["grep_MB/s"] = mb / grep_total.count();
  state.counters["ratio"] = grep_total.count() / parse_total.count();
  fs::remove(file.string() + ".count");
}

}  // namespace

BENCHMARK(BM_ConsoleParse)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GrepTriggers)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ParseToGrepRatio)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(10);
