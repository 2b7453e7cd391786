// `kmatrix explain`, the real binary: its JSON is the golden files' parse,
// its table names what the log holds, a bad path is a usage error, and its
// memory does not grow with the log (it streams events as they come).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../unit/results_fixtures.h"
#include "util/read_file.h"

namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(KMATRIX_TEST_DATA) / "console";

struct Ran {
  int exit_code = -1;
  long max_rss_kb = 0;
  std::string out;
};

// Runs the binary with `args`, its stdout to a file, and reads back what it
// printed and its peak resident memory (wait4's rusage of that child alone).
Ran explain(const std::vector<std::string>& args) {
  static const fs::path dir = kmx::fixtures::fresh_dir("explain");
  const fs::path out = dir / "stdout";
  std::vector<char*> argv{const_cast<char*>(KMATRIX_BINARY), const_cast<char*>("explain")};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  Ran ran;
  int status = 0;
  rusage usage{};
  EXPECT_EQ(::wait4(pid, &status, 0, &usage), pid);
  ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  ran.max_rss_kb = usage.ru_maxrss;
  ran.out = kmx::util::read_file(out);
  return ran;
}

nlohmann::json golden_of(const fs::path& log) {
  return nlohmann::json::parse(kmx::util::read_file(fs::path(log).replace_extension(".golden.json")));
}

TEST(Explain, JsonOfEveryCorpusLogIsItsGolden) {
  int logs = 0;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (entry.path().extension() != ".log") continue;
    ++logs;
    const Ran ran = explain({"--json", entry.path().string()});
    ASSERT_EQ(ran.exit_code, 0) << entry.path();
    EXPECT_EQ(nlohmann::json::parse(ran.out), golden_of(entry.path())) << entry.path();
  }
  EXPECT_GE(logs, 10);
}

TEST(Explain, TableNamesTheReportTheVictimAndTheTotals) {
  const fs::path log = kCorpus / "3.10.105-cell2.excerpt.log";
  const nlohmann::json golden = golden_of(log);
  const Ran ran = explain({log.string()});
  ASSERT_EQ(ran.exit_code, 0);
  EXPECT_NE(ran.out.find("memcg OOM"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("candidates"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("killed "), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find(fmt::format("OOM report(s), {} kill(s)", golden["oom_kills"].get<int>())), std::string::npos)
      << ran.out;
}

TEST(Explain, MissingLogIsAUsageError) {
  const Ran ran = explain({"/nonexistent/console.log"});
  EXPECT_EQ(ran.exit_code, 2);
}

// The corpus 60 times over (~50 MB, thousands of OOM reports) needs hardly
// more memory than the corpus once: nothing is kept per event but a small
// record per kill.
TEST(Explain, MemoryDoesNotGrowWithTheLog) {
  const fs::path dir = kmx::fixtures::fresh_dir("explain-big");
  std::string once;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (entry.path().extension() == ".log") once += kmx::util::read_file(entry.path()) + "\n";
  }
  const fs::path small = dir / "once.log", big = dir / "many.log";
  std::ofstream(small, std::ios::binary) << once;
  {
    std::ofstream out(big, std::ios::binary);
    for (int i = 0; i < 60; ++i) out << once;
  }
  for (const char* mode : {"--top=10", "--json"}) {
    const Ran one = explain({mode, small.string()});
    const Ran many = explain({mode, big.string()});
    ASSERT_EQ(one.exit_code, 0);
    ASSERT_EQ(many.exit_code, 0);
    EXPECT_GT(many.out.size(), 50 * one.out.size()) << mode;  // it did print every event
    EXPECT_LT(many.max_rss_kb - one.max_rss_kb, 8 * 1024) << mode << ": " << one.max_rss_kb << " kB for "
                                                          << once.size() << " bytes, " << many.max_rss_kb << " kB for 60x";
  }
  fs::remove_all(dir);
}

}  // namespace
