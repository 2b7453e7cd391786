#include "console/crash.h"

#include "console/scan.h"

namespace kmx::console {

namespace {

CrashReport report_of(CrashKind kind, std::string title) {
  CrashReport r;
  r.kind = kind;
  r.title = std::move(title);
  return r;
}

// "wlchild:1234" -> comm and pid (a comm may itself hold ':').
bool split_comm_pid(std::string_view s, CrashReport& report) {
  const std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::optional<int> pid = whole_number<int>(s.substr(colon + 1));
  if (!pid) return false;
  report.comm = std::string(s.substr(0, colon));
  report.pid = pid;
  return true;
}

std::optional<CrashReport> soft_lockup(std::string_view text) {
  constexpr std::string_view kLockup = "BUG: soft lockup - CPU#";
  const std::size_t at = text.find(kLockup);
  if (at == std::string_view::npos) return std::nullopt;
  CrashReport r = report_of(CrashKind::soft_lockup, std::string(text.substr(at)));
  std::size_t pos = at + kLockup.size();
  r.cpu = number_at<int>(text, pos);
  if (consume(text, pos, " stuck for ")) r.seconds = number_at<int>(text, pos);
  const std::size_t open = text.find("! [", pos);
  if (open != std::string_view::npos && text.ends_with(']'))
    split_comm_pid(text.substr(open + 3, text.size() - open - 4), r);
  return r;
}

std::optional<CrashReport> hard_lockup(std::string_view text) {
  for (const std::string_view key : {"detected hard LOCKUP on cpu ", "NMI Watchdog detected LOCKUP on CPU "}) {
    const std::size_t at = text.find(key);
    if (at == std::string_view::npos) continue;
    std::size_t pos = at + key.size();
    CrashReport r = report_of(CrashKind::hard_lockup, std::string(text));
    r.cpu = number_at<int>(text, pos);
    return r;
  }
  return std::nullopt;
}

std::optional<CrashReport> hung_task(std::string_view text) {
  const std::optional<Around> a = split_around(text, "INFO: task ", " blocked for more than ");
  if (!a) return std::nullopt;
  CrashReport r = report_of(CrashKind::hung_task, std::string(text));
  split_comm_pid(a->middle, r);
  std::size_t pos = 0;
  r.seconds = number_at<int>(a->rest, pos);
  return r;
}

std::optional<CrashReport> rcu_stall(std::string_view text) {
  std::size_t pos = 0;
  consume(text, pos, "rcu: ");
  if (!consume(text, pos, "INFO: rcu")) return std::nullopt;
  if (text.find("detected stall", pos) == std::string_view::npos &&
      text.find("detected expedited stall", pos) == std::string_view::npos)
    return std::nullopt;
  return report_of(CrashKind::rcu_stall, std::string(text.substr(pos - 9)));
}

std::optional<CrashReport> bug(std::string_view text) {
  if (text.starts_with("BUG: ") || text.starts_with("kernel BUG at ") || is_oops_continuation(text))
    return report_of(CrashKind::bug, std::string(text));
  return std::nullopt;
}

std::optional<CrashReport> warning(std::string_view text) {
  if (!text.starts_with("WARNING: ")) return std::nullopt;
  std::size_t pos = 9;
  CrashReport r = report_of(CrashKind::warning, std::string(text));
  if (consume(text, pos, "CPU: ")) {  // 3.11+
    r.cpu = number_at<int>(text, pos);
    if (!consume(text, pos, " PID: ")) return std::nullopt;
    r.pid = number_at<int>(text, pos);
    if (!consume(text, pos, " at ")) return std::nullopt;
  } else if (!consume(text, pos, "at ")) {
    return std::nullopt;  // some other "WARNING:" message, not a kernel warning
  }
  word_at(text, pos);  // file:line
  const std::string_view location = word_at(text, pos);
  if (std::optional<FrameRef> frame = parse_stack_frame(location)) r.frame = frame->kept();
  return r;
}

}  // namespace

std::optional<CrashReport> parse_crash_header(std::string_view text, Keywords keywords) {
  if (text.empty()) return std::nullopt;
  if (keywords.has(Keyword::lockup)) {
    if (std::optional<CrashReport> r = soft_lockup(text)) return r;
    if (std::optional<CrashReport> r = hard_lockup(text)) return r;
  }
  // The others are anchored: "INFO: task", "rcu: INFO: rcu", "INFO: rcu",
  // "BUG: ", "kernel BUG at", "Oops", "invalid opcode", "general protection
  // fault", "WARNING: ". Their first letters rule out most lines at once.
  static constexpr ByteSet kInitials("IrBkOigW");
  if (!kInitials(text.front())) return std::nullopt;
  if (std::optional<CrashReport> r = hung_task(text)) return r;
  if (std::optional<CrashReport> r = rcu_stall(text)) return r;
  if (std::optional<CrashReport> r = bug(text)) return r;
  return warning(text);
}

std::optional<std::string> parse_panic(std::string_view text) {
  constexpr std::string_view kPanic = "Kernel panic - not syncing: ";
  if (!text.starts_with(kPanic)) return std::nullopt;
  return std::string(text.substr(kPanic.size()));
}

bool is_oops_continuation(std::string_view text) {
  return text.starts_with("Oops: ") || text.starts_with("Oops - ") || text.starts_with("invalid opcode: ") ||
         text.starts_with("general protection fault");
}

std::optional<TaskContext> parse_task_context(std::string_view text) {
  TaskContext context;
  std::size_t pos = 0;
  if (consume(text, pos, "Pid: ")) {  // 2.6.32-3.9
    const std::optional<int> pid = number_at<int>(text, pos);
    if (!pid || !consume(text, pos, ", comm: ")) return std::nullopt;
    context.pid = *pid;
  } else if (consume(text, pos, "CPU: ")) {
    context.cpu = number_at<int>(text, pos);
    const std::size_t at = text.find(" PID: ", pos);
    if (!context.cpu || at == std::string_view::npos) return std::nullopt;
    pos = at + 6;
    const std::optional<int> pid = number_at<int>(text, pos);
    if (!pid || !consume(text, pos, " Comm: ")) return std::nullopt;
    context.pid = *pid;
  } else {
    return std::nullopt;
  }
  // The comm runs to " Not tainted" / " Tainted:" (a comm may hold spaces).
  std::size_t end = text.find(" Not tainted", pos);
  if (end == std::string_view::npos) end = text.find(" Tainted:", pos);
  if (end == std::string_view::npos) end = text.find(' ', pos);
  context.comm = std::string(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
  return context;
}

bool is_report_context(std::string_view text) {
  text = trim(text);
  static constexpr std::string_view kPrefixes[] = {
      "Call Trace",   "<",           "RIP:",        "RSP:",         "RAX:",          "RBX:",
      "RDX:",         "RBP:",        "R08:",        "R10:",         "R13:",          "FS:",
      "CS:",          "CR2:",        "DR0:",        "DR3:",         "DR6:",          "Code:",
      "Stack:",       "Modules linked in", "CPU",   "Pid:",         "Hardware name:", "Workqueue:",
      "irq event stamp", "hardirqs last", "softirqs last", "Tainted:", "Not tainted", "Kernel Offset",
      "#PF:",         "PGD ",        "IP:",         "Process ",     "Oops",          "invalid opcode",
      "general protection", "---[",  "------------[ cut here", "\"echo 0 > /proc/sys/kernel/hung_task",
      "task:",        "EFLAGS",      "ORIG_RAX",    "Showing",      "INFO: lockdep",  "RIP ",
      "Comm:",        "Stack traceback", "Sending NMI", "NMI backtrace", "rcu:",  "(detected by",
      "Task dump for CPU", "runnable tasks:", "Kernel panic", "Shutting down cpus", "INFO: Stall ended",
      "blocking rcu_node"};
  for (const std::string_view p : kPrefixes)
    if (has_prefix(text, p)) return true;
  // Raw stack words: "ffff88003d4d7c00 ffff88002b8edc98 ffffffff815672d6 ..."
  std::size_t pos = 0;
  const std::string_view first = word_at(text, pos);
  if (first.size() == 16 && first.find_first_not_of("0123456789abcdef") == std::string_view::npos) return true;
  return false;
}

}  // namespace kmx::console
