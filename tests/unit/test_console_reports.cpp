// Crash reports, task dumps and line noise. The lines are written from the
// kernels' printk formats (no real log of these here: see
// tests/data/console/README.md); expected values were written by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "console/console_parser.h"

namespace kmx::console {
namespace {

std::vector<Event> parse(const std::string& text) {
  ConsoleParser p;
  std::vector<Event> events = p.feed(text);
  for (Event& e : p.finish()) events.push_back(std::move(e));
  return events;
}

TEST(ConsoleReports, Rhel6SoftLockupNamesTheCallerOfTheSpinLock) {
  // The seed post's hang: all frames guessed ("?"), the RIP in _spin_lock.
  const auto e = parse(
      "[ 312.100000] BUG: soft lockup - CPU#0 stuck for 67s! [wlchild:1669]\n"
      "[ 312.100100] Modules linked in: brd\n"
      "[ 312.100200] CPU 0\n"
      "[ 312.100300] Pid: 1669, comm: wlchild Not tainted 2.6.32-431.el6.x86_64 #1 Red Hat KVM\n"
      "[ 312.100400] RIP: 0010:[<ffffffff8152a6ce>]  [<ffffffff8152a6ce>] _spin_lock+0x1e/0x30\n"
      "[ 312.100500] RSP: 0018:ffff88003d4d7c00  EFLAGS: 00000297\n"
      "[ 312.100600] Call Trace:\n"
      "[ 312.100700]  [<ffffffff810c1e2b>] ? css_get_next+0x9b/0x100\n"
      "[ 312.100800]  [<ffffffff81174b31>] ? mem_cgroup_iter+0x81/0x110\n"
      "[ 312.100900] wlchild invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=0, oom_score_adj=0\n");
  ASSERT_GE(e.size(), 2u);
  EXPECT_EQ(e[0].kind, EventKind::soft_lockup);
  EXPECT_EQ(e[0].detail, "CPU#0 stuck for 67s! [wlchild:1669]");
  const CrashReport& c = *e[0].crash;
  EXPECT_EQ(c.cpu, 0);
  EXPECT_EQ(c.seconds, 67);
  EXPECT_EQ(c.comm, "wlchild");
  EXPECT_EQ(c.pid, 1669);
  ASSERT_TRUE(c.frame);
  EXPECT_EQ(c.frame->function, "css_get_next");
  EXPECT_FALSE(c.frame->reliable);
  EXPECT_EQ(e[1].kind, EventKind::oom_invoked);  // the next report is not swallowed
}

TEST(ConsoleReports, HungTaskWithItsStack) {
  const auto e = parse(
      "[ 242.000000] INFO: task wlchild:1240 blocked for more than 120 seconds.\n"
      "[ 242.000100]       Not tainted 6.1.0-13-amd64 #1 Debian 6.1.55-1\n"
      "[ 242.000200] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n"
      "[ 242.000300] task:wlchild         state:D stack:0     pid:1240  ppid:1230   flags:0x00004000\n"
      "[ 242.000400] Call Trace:\n"
      "[ 242.000500]  <TASK>\n"
      "[ 242.000600]  __schedule+0x34d/0xa00\n"
      "[ 242.000700]  schedule+0x5a/0xd0\n"
      "[ 242.000800]  ? mem_cgroup_css_online+0x170/0x170\n"
      "[ 242.000900]  mem_cgroup_oom_synchronize+0x166/0x1f0\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, EventKind::hung_task);
  EXPECT_EQ(e[0].detail, "wlchild:1240");
  EXPECT_EQ(e[0].crash->seconds, 120);
  EXPECT_EQ(e[0].crash->frame->function, "mem_cgroup_oom_synchronize");
  EXPECT_TRUE(e[0].crash->frame->reliable);
}

TEST(ConsoleReports, OopsBugLineAndOopsLineAreOneReport) {
  const auto e = parse(
      "[   9.1] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
      "[   9.2] #PF: supervisor write access in kernel mode\n"
      "[   9.3] Oops: 0002 [#1] PREEMPT SMP NOPTI\n"
      "[   9.4] CPU: 1 PID: 77 Comm: sh Not tainted 6.1.0-13-amd64 #1  Debian 6.1.55-1\n"
      "[   9.5] RIP: 0010:sysrq_handle_crash+0x16/0x20\n"
      "[   9.6] Call Trace:\n"
      "[   9.7]  __handle_sysrq.cold+0x43/0x11b\n"
      "[   9.8] Kernel panic - not syncing: Fatal exception\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].kind, EventKind::bug);
  EXPECT_EQ(e[0].crash->title, "BUG: kernel NULL pointer dereference, address: 0000000000000000");
  EXPECT_EQ(e[0].crash->comm, "sh");
  EXPECT_EQ(e[0].crash->pid, 77);
  EXPECT_EQ(e[0].crash->frame->function, "sysrq_handle_crash");
  EXPECT_EQ(e[1].kind, EventKind::panic);
  EXPECT_EQ(e[1].detail, "Fatal exception");
}

TEST(ConsoleReports, WarningsOfBothEras) {
  const auto e = parse(
      "[ 1.0] WARNING: at mm/page_alloc.c:2410 __alloc_pages_nodemask+0x1c3/0x8a0() (Not tainted)\n"
      "[ 2.0] WARNING: CPU: 1 PID: 123 at mm/page_alloc.c:4000 __alloc_pages+0x1/0x2 [brd]\n"
      "[ 3.0] WARNING: this is not a kernel warning\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].kind, EventKind::warning);
  EXPECT_EQ(e[0].crash->frame->function, "__alloc_pages_nodemask");
  EXPECT_EQ(e[1].crash->cpu, 1);
  EXPECT_EQ(e[1].crash->pid, 123);
  EXPECT_EQ(e[1].crash->frame->function, "__alloc_pages");
}

TEST(ConsoleReports, HardLockupsAndRcuStalls) {
  const auto e = parse(
      "[ 1.0] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1\n"
      "[ 2.0] INFO: rcu_sched_state detected stall on CPU 0 (t=15000 jiffies)\n"
      "[ 3.0] INFO: rcu_sched self-detected stall on CPU { 0}  (t=60000 jiffies g=1 c=0 q=3)\n"
      "[ 4.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n"
      "[ 5.0] rcu_sched kthread starved for 2 jiffies!\n");
  std::vector<EventKind> kinds;
  for (const Event& x : e) kinds.push_back(x.kind);
  EXPECT_EQ(kinds, (std::vector<EventKind>{EventKind::hard_lockup, EventKind::rcu_stall, EventKind::rcu_stall,
                                           EventKind::rcu_stall}));
  EXPECT_EQ(e[0].crash->cpu, 1);
  EXPECT_EQ(e[3].crash->title, "INFO: rcu_preempt detected stalls on CPUs/tasks:");
}

TEST(ConsoleReports, OldKernelsBlockedStateDump) {
  const auto e = parse(
      "SysRq : Show Blocked State\n"
      "  task                        PC stack   pid father\n"
      "wlchild       D ffff88003fc23f80     0   456    455 0x00000080\n"
      " [<ffffffff8150e2a5>] schedule+0x3c5/0x850\n"
      " [<ffffffff810b25f0>] mem_cgroup_handle_oom+0x128/0x1e7\n"
      "my task       D ffff88003fc23f80     0   457    455 0x00000080\n"
      "kworker/0:1     S    0    10      2 0x00000000\n");
  ASSERT_EQ(e.size(), 1u);
  const TaskDump& d = *e[0].tasks;
  EXPECT_EQ(d.title, "Show Blocked State");
  ASSERT_EQ(d.tasks.size(), 3u);
  EXPECT_EQ(d.tasks[0].comm, "wlchild");
  EXPECT_EQ(d.tasks[0].pid, 456);
  EXPECT_EQ(d.tasks[0].ppid, 455);
  EXPECT_EQ(d.tasks[0].frame->function, "mem_cgroup_handle_oom");
  EXPECT_EQ(d.tasks[0].top_frames, (std::vector<std::string>{"schedule", "mem_cgroup_handle_oom"}));
  EXPECT_EQ(d.tasks[1].comm, "my task");
  EXPECT_FALSE(d.tasks[1].frame);
  EXPECT_EQ(d.tasks[2].state, 'S');
  EXPECT_EQ(d.tasks[2].pid, 10);
}

TEST(ConsoleLines, GarbledTimestampsAndBytes) {
  std::string scratch;
  const ConsoleLine a = clean_line("[   64..518972] RDX: 000000000070c000", scratch);
  EXPECT_EQ(a.kernel_time(), std::nullopt);
  EXPECT_EQ(a.text, "RDX: 000000000070c000");
  // Invalid UTF-8 becomes '?', valid UTF-8 stays: every line is valid JSON text.
  EXPECT_EQ(clean_line("[ 1.0] comm \xd2 \xc3\xa9t\xe9", scratch).text, "comm ? \xc3\xa9t?");
  // Too many digits for a timestamp (would overflow): not a timestamp.
  EXPECT_EQ(clean_line("[22222222222222226.1] x", scratch).kernel_time(), std::nullopt);
  // A serial line that garbled "process" still counts the kill.
  ConsoleParser p;
  p.feed("[ 16.2] Memory cgroup out of memory: Killed pprocess 120 (wlchild) total-vm:8996kB, anon-rss:5960kB\n");
  ASSERT_EQ(p.oom_kills().size(), 1u);
  EXPECT_EQ(p.oom_kills()[0].pid, 120);
}

}  // namespace
}  // namespace kmx::console
