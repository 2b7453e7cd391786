#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "console/console_parser.h"
#include "util/read_file.h"

namespace kmx::console {
namespace {

using std::chrono::microseconds;

std::string read_data(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(KMATRIX_TEST_DATA) / "console" / name;
  EXPECT_TRUE(std::filesystem::is_regular_file(path)) << name;
  return util::read_file(path);
}

ConsoleParser parse_all(const std::string& bytes) {
  ConsoleParser p;
  p.feed(bytes);
  p.finish();
  return p;
}

// Expected values below were read off the logs by eye (see tests/data/console/README.md).

TEST(ConsoleRealLogs, Rhel6WrongVictimPattern) {
  const ConsoleParser p = parse_all(read_data("2.6.32-431.el6-cell1.excerpt.log"));
  const auto& k = p.oom_kills();
  ASSERT_EQ(k.size(), 12u);
  EXPECT_EQ(p.oom_invocations(), 12);
  struct Want { int pid; const char* comm; int uid; int64_t anon; };
  const Want want[] = {{453, "mingetty1", 0, 28},     {454, "mingetty2", 0, 24},     {455, "wlparent", 30000, 32},
                       {452, "ctinit", 0, 24},        {456, "wlchild", 30000, 24},   {457, "wlchild", 30000, 24},
                       {458, "wlchild", 30000, 24},   {459, "wlchild", 30000, 24},   {460, "wlchild", 30000, 24},
                       {461, "wlchild", 30000, 24},   {462, "wlchild", 30000, 24},   {463, "wlchild", 30000, 24}};
  for (std::size_t i = 0; i < 12; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(k[i].pid, want[i].pid);
    EXPECT_EQ(k[i].comm, want[i].comm);
    EXPECT_EQ(k[i].uid, want[i].uid);
    EXPECT_EQ(k[i].anon_rss_kb, want[i].anon);
    EXPECT_EQ(k[i].score, 1);
    EXPECT_EQ(k[i].constraint, Constraint::memcg);
  }
  // The first four: ctinit (452) chosen with score 1, its children killed
  // instead, then ctinit itself.
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(k[i].chosen_pid, 452);
    EXPECT_EQ(k[i].chosen_comm, "ctinit");
  }
  EXPECT_TRUE(k[0].sacrificed);
  EXPECT_TRUE(k[1].sacrificed);
  EXPECT_TRUE(k[2].sacrificed);
  EXPECT_FALSE(k[3].sacrificed);
  EXPECT_FALSE(k[4].sacrificed);
  EXPECT_EQ(k[4].chosen_pid, 456);
  EXPECT_EQ(k[0].kernel_time, microseconds(7'986'651));
  EXPECT_EQ(k[11].kernel_time, microseconds(16'389'734));
  EXPECT_FALSE(p.panic());
}

TEST(ConsoleRealLogs, Linux34SeventeenWorkloadChildren) {
  const ConsoleParser p = parse_all(read_data("3.4.113-cell2.excerpt.log"));
  const auto& k = p.oom_kills();
  ASSERT_EQ(k.size(), 17u);
  // 17 kills but 10 headers: 3.x rate-limits the report, not the kill line.
  EXPECT_EQ(p.oom_invocations(), 10);
  const int64_t anon[] = {1940, 1728, 1272, 1600, 1940, 1676, 1496, 852, 640,
                          1128, 720,  444,  408,  456,  1016, 2936, 1388};
  for (std::size_t i = 0; i < 17; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(k[i].pid, 513 + static_cast<int>(i));
    EXPECT_EQ(k[i].comm, "wlchild");
    EXPECT_EQ(k[i].uid, -1);  // 3.x does not print it
    EXPECT_EQ(k[i].score, 15);
    EXPECT_FALSE(k[i].sacrificed);
    EXPECT_EQ(k[i].constraint, Constraint::memcg);
    EXPECT_EQ(k[i].anon_rss_kb, anon[i]);
  }
}

TEST(ConsoleRealLogs, Linux310SeventeenWorkloadChildren) {
  const ConsoleParser p = parse_all(read_data("3.10.105-cell2.excerpt.log"));
  const auto& k = p.oom_kills();
  ASSERT_EQ(k.size(), 17u);
  EXPECT_EQ(p.oom_invocations(), 10);
  const int pids[] = {699, 698, 697, 696, 695, 730, 694, 693, 739, 733, 707, 708, 723, 706, 710, 717, 704};
  for (std::size_t i = 0; i < 17; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(k[i].pid, pids[i]);
    EXPECT_EQ(k[i].chosen_pid, pids[i]);
    EXPECT_EQ(k[i].comm, "wlchild");
    EXPECT_EQ(k[i].score, 15);
    EXPECT_EQ(k[i].constraint, Constraint::memcg);
  }
  EXPECT_EQ(k[0].anon_rss_kb, 5012);
  EXPECT_EQ(k[5].anon_rss_kb, 5160);
  EXPECT_EQ(k[8].anon_rss_kb, 5108);
}

TEST(ConsoleRealLogs, RandomChunksGiveTheSameResult) {
  const std::string log = read_data("2.6.32-431.el6-cell1.excerpt.log");
  const ConsoleParser whole = parse_all(log);
  std::mt19937 rng(20151);
  for (int round = 0; round < 5; ++round) {
    ConsoleParser p;
    std::size_t events = 0;
    for (std::size_t at = 0; at < log.size();) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 300)(rng);
      events += p.feed(std::string_view(log).substr(at, n)).size();
      at += n;
    }
    events += p.finish().size();
    ASSERT_EQ(p.oom_kills().size(), whole.oom_kills().size());
    EXPECT_EQ(events, 36u);  // 12 headers + 12 kills + 12 whole reports
    for (std::size_t i = 0; i < p.oom_kills().size(); ++i) {
      EXPECT_EQ(p.oom_kills()[i].pid, whole.oom_kills()[i].pid);
      EXPECT_EQ(p.oom_kills()[i].chosen_pid, whole.oom_kills()[i].chosen_pid);
      EXPECT_EQ(p.oom_kills()[i].kernel_time, whole.oom_kills()[i].kernel_time);
    }
  }
}

TEST(ConsoleSynthetic, Linux61SummaryAndKillLineCountOnce) {
  ConsoleParser p;
  std::vector<Event> events = p.feed(read_data("6.1-synthetic.log"));
  const auto& k = p.oom_kills();
  ASSERT_EQ(k.size(), 3u);
  EXPECT_EQ(p.oom_invocations(), 2);

  EXPECT_EQ(k[0].pid, 1234);
  EXPECT_EQ(k[0].comm, "wlchild");
  EXPECT_EQ(k[0].uid, 1000);
  EXPECT_EQ(k[0].anon_rss_kb, 4228);
  EXPECT_EQ(k[0].constraint, Constraint::memcg);
  EXPECT_EQ(k[0].score, std::nullopt);  // 5.1+ prints no choice line
  EXPECT_FALSE(k[0].sacrificed);

  EXPECT_EQ(k[1].pid, 1235);  // rate-limited: no header, no summary
  EXPECT_EQ(k[1].uid, 1000);
  EXPECT_EQ(k[1].constraint, Constraint::memcg);

  EXPECT_EQ(k[2].pid, 1230);
  EXPECT_EQ(k[2].comm, "wlparent");
  EXPECT_EQ(k[2].constraint, Constraint::global);
  EXPECT_EQ(k[2].anon_rss_kb, 160);

  EXPECT_EQ(p.panic(), "System is deadlocked on memory");
  std::vector<EventKind> kinds;
  for (const Event& e : events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<EventKind>{EventKind::oom_invoked, EventKind::oom_kill, EventKind::oom_report,
                                           EventKind::oom_reaped, EventKind::oom_kill, EventKind::oom_report,
                                           EventKind::oom_reaped, EventKind::oom_invoked, EventKind::oom_kill,
                                           EventKind::oom_report, EventKind::panic}));
  EXPECT_EQ(events[7].detail, "kworker/u4:2");
  // The first report, whole: trigger, counters, the task table, the kill.
  const OomReport& r = *events[2].oom;
  EXPECT_EQ(r.trigger_pid, 1234);
  EXPECT_EQ(r.header->gfp_mask, "0xcc0(GFP_KERNEL)");
  ASSERT_EQ(r.memcg_counters.size(), 2u);
  EXPECT_EQ(r.memcg_counters[1].name, "swap");
  EXPECT_EQ(r.memcg_counters[0].failcnt, 412);
  ASSERT_EQ(r.candidates.size(), 4u);
  EXPECT_EQ(r.candidates[2].pid, 1234);
  EXPECT_EQ(r.candidates[2].rss, 1313);
  EXPECT_EQ(r.candidates[2].pgtables_bytes, 49152);
  EXPECT_EQ(r.candidates[0].comm, "ctinit");
  EXPECT_EQ(r.oom_memcg, "/ct");
  EXPECT_EQ(events[3].reaped->pid, 1234);
  // The rate-limited second kill makes a report of its own line only.
  EXPECT_FALSE(events[5].oom->header);
  EXPECT_TRUE(events[5].oom->candidates.empty());
  EXPECT_EQ(events[9].oom->constraint, Constraint::global);
  EXPECT_EQ(events.back().kernel_time, microseconds(41'000'000));
}

TEST(ConsoleSynthetic, Linux419SummaryNamesTheChosenParent) {
  // 4.19-5.0: summary and choice name the parent, the kill line its child.
  ConsoleParser p;
  p.feed("[ 9.000000] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
         "oom_memcg=/ct,task_memcg=/ct,task=wlparent,pid=700,uid=1000\n"
         "[ 9.000100] Memory cgroup out of memory: Kill process 700 (wlparent) score 3 or sacrifice child\n"
         "[ 9.000200] Killed process 701 (wlchild) total-vm:5340kB, anon-rss:5012kB, file-rss:28kB, shmem-rss:0kB\n");
  ASSERT_EQ(p.oom_kills().size(), 1u);
  const OomKill& k = p.oom_kills()[0];
  EXPECT_EQ(k.pid, 701);
  EXPECT_EQ(k.comm, "wlchild");
  EXPECT_EQ(k.chosen_pid, 700);
  EXPECT_EQ(k.chosen_comm, "wlparent");
  EXPECT_EQ(k.score, 3);
  EXPECT_TRUE(k.sacrificed);
  EXPECT_EQ(k.uid, -1);  // the summary's uid is the parent's
  EXPECT_EQ(k.constraint, Constraint::memcg);
}

TEST(ConsoleSynthetic, GlobalOomOldFormat) {
  ConsoleParser p;
  p.feed("Out of memory: Kill process 99 (big app) score 870 or sacrifice child\r\n"
         "Killed process 99 (big app) total-vm:900000kB, anon-rss:800000kB, file-rss:0kB\r\n");
  ASSERT_EQ(p.oom_kills().size(), 1u);
  EXPECT_EQ(p.oom_kills()[0].comm, "big app");
  EXPECT_EQ(p.oom_kills()[0].score, 870);
  EXPECT_EQ(p.oom_kills()[0].constraint, Constraint::global);
  EXPECT_EQ(p.oom_kills()[0].kernel_time, std::nullopt);
}

TEST(ConsoleSynthetic, UnkilledSummaryDoesNotAttachToTheNextReport) {
  ConsoleParser p;
  p.feed("[1.0] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
         "task_memcg=/,task=x,pid=5,uid=0\n"
         "[1.1] Out of memory: OOM victim 5 (x) is already exiting. Skip killing the task\n"
         "[2.0] wlchild invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
         "[2.1] Killed process 5 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB\n");
  ASSERT_EQ(p.oom_kills().size(), 1u);
  EXPECT_EQ(p.oom_kills()[0].uid, -1);
  EXPECT_EQ(p.oom_kills()[0].constraint, Constraint::unknown);
}

TEST(ConsoleSynthetic, LockupsAndHungTasks) {
  ConsoleParser p;
  std::vector<Event> e =
      p.feed("[  52.1] BUG: soft lockup - CPU#0 stuck for 22s! [wlchild:1234]\n"
             "[  60.2] watchdog: BUG: soft lockup - CPU#1 stuck for 23s! [ctinit:1]\n"
             "[ 242.0] INFO: task wlchild:1240 blocked for more than 120 seconds.\n");
  ASSERT_EQ(e.size(), 2u);  // the hung task's report may go on with its stack
  const std::vector<Event> last = p.finish();
  e.insert(e.end(), last.begin(), last.end());
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].kind, EventKind::soft_lockup);
  EXPECT_EQ(e[0].detail, "CPU#0 stuck for 22s! [wlchild:1234]");
  EXPECT_EQ(e[1].kind, EventKind::soft_lockup);
  EXPECT_EQ(e[2].kind, EventKind::hung_task);
  EXPECT_EQ(e[2].detail, "wlchild:1240");
  EXPECT_EQ(e[2].kernel_time, microseconds(242'000'000));
}

TEST(ConsoleLines, CleansNoiseAndSplitsTimestamp) {
  std::string scratch;
  const ConsoleLine a = clean_line("Booting from ROM..\x1b" "c\x1b[?7l\x1b[2J[    0.000000] Initializing cgroup subsys cpuset\r", scratch);
  EXPECT_EQ(a.kernel_time(), microseconds(0));
  EXPECT_EQ(a.text, "Initializing cgroup subsys cpuset");
  const ConsoleLine b = clean_line("\xff[    1.726109] serial8250: ttyS0 at I/O 0x3f8", scratch);
  EXPECT_EQ(b.kernel_time(), microseconds(1'726'109));
  EXPECT_EQ(b.text, "serial8250: ttyS0 at I/O 0x3f8");
  const ConsoleLine c = clean_line("[km     8.4 pid1] ctinit 452 reaped: killed by sig 9", scratch);
  EXPECT_EQ(c.kernel_time(), std::nullopt);
  EXPECT_EQ(c.text, "[km     8.4 pid1] ctinit 452 reaped: killed by sig 9");
}

TEST(ConsoleLines, TornLastLineAndOverlongLines) {
  LineReader r(32);
  std::string_view torn = "[ 5.000001] Kernel panic - not";
  EXPECT_FALSE(r.next(torn));
  EXPECT_TRUE(torn.empty());
  EXPECT_EQ(r.finish()->text, "Kernel panic - not");
  EXPECT_FALSE(r.finish());
  const std::string bytes = std::string(100, 'x') + "\nshort\n";
  std::string_view rest = bytes;
  EXPECT_EQ(r.next(rest)->text, std::string(32, 'x'));
  EXPECT_EQ(r.next(rest)->text, "short");
  EXPECT_FALSE(r.next(rest));
  EXPECT_EQ(r.truncated(), 1);
  // A line split across feeds is whole when its end arrives.
  LineReader joiner;
  std::string_view first = "[ 6.0] Out of mem", second = "ory: Killed process 7\r\n";
  EXPECT_FALSE(joiner.next(first));
  const std::optional<ConsoleLine> joined = joiner.next(second);
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->text, "Out of memory: Killed process 7");
  EXPECT_EQ(joined->kernel_time(), microseconds(6'000'000));
}

TEST(ConsoleLines, PanicOnlyAtLineStart) {
  ConsoleParser p;
  p.feed("[ 1.0] ---[ end Kernel panic - not syncing: Fatal exception ]---\n");
  EXPECT_FALSE(p.panic());
  p.feed("[ 1.0] Kernel panic - not syncing: Out of memory and no killable processes...\n");
  EXPECT_EQ(p.panic(), "Out of memory and no killable processes...");
}

}  // namespace
}  // namespace kmx::console
