// The parser's shortcuts must never change what it understands: keyword
// gates (keywords.h) must hold on every line a gated recognizer accepts, and
// the sixteen-bytes-at-a-time byte scan must agree with a plain loop.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "console/byte_scan.h"
#include "console/crash.h"
#include "console/keywords.h"
#include "console/line_reader.h"
#include "console/oom_kill.h"
#include "util/read_file.h"

namespace kmx::console {
namespace {

namespace fs = std::filesystem;

constexpr Keyword kEveryKeyword[] = {Keyword::killed, Keyword::kill_process, Keyword::oom_kill,
                                     Keyword::invoked_oom_killer, Keyword::lockup};

Keywords all_keywords() {
  Keywords k;
  for (const Keyword each : kEveryKeyword) k.add(each);
  return k;
}

// Every line of the corpus, as the parser's line reader cleans it; and the
// reader's "no keywords here" shortcut checked on each.
std::vector<std::string> corpus_lines() {
  std::vector<std::string> lines;
  for (const auto& entry : fs::directory_iterator(fs::path(KMATRIX_TEST_DATA) / "console")) {
    if (entry.path().extension() != ".log") continue;
    const std::string bytes = util::read_file(entry.path()) + "\n";
    std::string_view rest = bytes;
    LineReader reader;
    while (const std::optional<ConsoleLine> line = reader.next(rest)) {
      lines.emplace_back(line->text);
      if (!line->no_keywords) continue;
      for (const Keyword each : kEveryKeyword) EXPECT_FALSE(keywords_in(line->text).has(each)) << line->text;
    }
  }
  return lines;
}

// Lines of formats no kernel here printed, for the recognizers the corpus
// cannot reach.
const std::vector<std::string> kHandWritten = {
    "BUG: soft lockup - CPU#0 stuck for 22s! [wlchild:1234]",
    "watchdog: BUG: soft lockup - CPU#1 stuck for 23s! [ctinit:1]",
    "NMI watchdog: BUG: soft lockup - CPU#0 stuck for 67s! [kworker/0:1:42]",
    "NMI watchdog: Watchdog detected hard LOCKUP on cpu 1",
    "NMI Watchdog detected LOCKUP on CPU 0",
    "Out of memory: kill process 453 (mingetty) score 12 or a child",
    "Out of memory (oom_kill_allocating_task): Killed process 7 (x) total-vm:1kB, anon-rss:1kB",
    "kworker/u4:1 invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=0",
};

TEST(ConsoleKeywords, EveryLineAGatedRecognizerAcceptsHoldsItsKeyword) {
  std::vector<std::string> lines = corpus_lines();
  ASSERT_GT(lines.size(), 10000u);
  lines.insert(lines.end(), kHandWritten.begin(), kHandWritten.end());
  int accepted = 0;
  for (const std::string& line : lines) {
    const Keywords k = keywords_in(line);
    const auto expect = [&](bool accepts, Keyword keyword) {
      if (!accepts) return;
      ++accepted;
      EXPECT_TRUE(k.has(keyword)) << line;
    };
    expect(parse_killed_process(line).has_value(), Keyword::killed);
    expect(parse_oom_choice(line).has_value(), Keyword::kill_process);
    expect(parse_oom_summary(line).has_value(), Keyword::oom_kill);
    expect(parse_oom_header(line).has_value(), Keyword::invoked_oom_killer);
    const std::optional<CrashReport> crash = parse_crash_header(line, all_keywords());
    expect(crash && (crash->kind == CrashKind::soft_lockup || crash->kind == CrashKind::hard_lockup),
           Keyword::lockup);
  }
  EXPECT_GT(accepted, 200);  // the corpus's hundreds of kills, choices and headers
}

TEST(ConsoleKeywords, FoundAnywhereOnlyAsWholeLiterals) {
  EXPECT_TRUE(keywords_in("Memory cgroup out of memory: Killed process 9 (a)").has(Keyword::killed));
  EXPECT_TRUE(keywords_in("garbage[ 1.0] x invoked oom-killer: gfp_mask=0").has(Keyword::invoked_oom_killer));
  EXPECT_TRUE(keywords_in("oom-kill:constraint=CONSTRAINT_MEMCG").has(Keyword::oom_kill));
  EXPECT_FALSE(keywords_in("killed process 9").has(Keyword::killed));  // case matters
  EXPECT_FALSE(keywords_in("Killed").has(Keyword::killed));           // "Killed " with its space
  EXPECT_FALSE(keywords_in("Kill proces").has(Keyword::kill_process));
  EXPECT_FALSE(keywords_in("kB kB kB kworker lockup").has(Keyword::lockup));
  EXPECT_FALSE(keywords_in("").has(Keyword::killed));
}

TEST(ConsoleKeywords, CrashHeadersPassTheFirstLetterGate) {
  for (const std::string_view header :
       {"INFO: task wlchild:1240 blocked for more than 120 seconds.", "INFO: rcu_sched detected stalls on CPUs/tasks:",
        "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", "BUG: unable to handle page fault for address: 0",
        "kernel BUG at mm/slub.c:3912!", "Oops: 0002 [#1] SMP", "invalid opcode: 0000 [#1] SMP",
        "general protection fault: 0000 [#1] SMP", "WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:5 f+0x1/0x2"})
    EXPECT_TRUE(parse_crash_header(header, keywords_in(header))) << header;
}

// A plain loop over the bytes, the byte scan's reference.
template <typename Lanes>
std::size_t reference_find(std::string_view s, std::size_t from, Lanes lanes) {
  for (std::size_t i = from; i < s.size(); ++i) {
    bytes::Block one;
    std::memset(&one, ' ', sizeof one);
    one[0] = static_cast<unsigned char>(s[i]);
    if (bytes::first_lane(lanes(one)) == 0u) return i;
  }
  return s.size();
}

TEST(ByteScan, AgreesWithAPlainLoopAtEveryLengthAndStart) {
  // Classes the parser scans for: bytes to clean, keyword anchors, words,
  // and one that holds the padding of short lines.
  constexpr auto controls = [](bytes::Block b) { return (bytes::as_signed(b) < 0x20) | (b == 0x7f); };
  constexpr auto anchors = [](bytes::Block b) { return (b | 0x20) == 'k'; };
  constexpr auto not_space = [](bytes::Block b) { return (b != ' ') & (b != '\t'); };
  constexpr auto spaces = [](bytes::Block b) { return b == ' '; };
  std::mt19937 random(7);
  const std::string alphabet = std::string("ab k\t\r\n\x7f\xc3", 10);
  for (std::size_t length = 0; length <= 70; ++length) {
    for (int trial = 0; trial < 40; ++trial) {
      std::string s(length, 'a');
      for (char& c : s)
        if (random() % 8 == 0) c = alphabet[random() % alphabet.size()];
      for (std::size_t from = 0; from <= length; ++from) {
        ASSERT_EQ(bytes::find_first(s, from, controls), reference_find(s, from, controls))
            << "length " << length << " from " << from;
        ASSERT_EQ(bytes::find_first(s, from, anchors), reference_find(s, from, anchors))
            << "length " << length << " from " << from;
        ASSERT_EQ(bytes::find_first(s, from, not_space), reference_find(s, from, not_space))
            << "length " << length << " from " << from;
        ASSERT_EQ(bytes::find_first(s, from, spaces), reference_find(s, from, spaces))
            << "length " << length << " from " << from;
      }
    }
  }
}

}  // namespace
}  // namespace kmx::console
