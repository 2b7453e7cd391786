#include "console/trace_assembler.h"

#include <utility>

namespace kmx::console {

namespace {

// Lines a report may hold before its call trace starts: the "CPU: .. PID:"
// line, registers, "Modules linked in", an oops's "#PF:" lines.
constexpr int kMaxPreambleLines = 60;
// Lines between two tasks of a dump that are neither task nor frame.
constexpr int kMaxDumpGapLines = 20;

}  // namespace

void TraceAssembler::close(std::vector<Event>& out) {
  if (crash_) {
    if (!crash_->frame) crash_->frame = picker_.best();
    Event event = make_event(event_kind(crash_->kind), time_);
    // The gist: "CPU#0 stuck for 22s! [wlchild:1234]", "wlchild:1240", else the title.
    constexpr std::string_view kLockup = "BUG: soft lockup - ";
    if (crash_->kind == CrashKind::soft_lockup && crash_->title.starts_with(kLockup))
      event.detail = crash_->title.substr(kLockup.size());
    else if (crash_->kind == CrashKind::hung_task && crash_->pid)
      event.detail = crash_->comm + ":" + std::to_string(*crash_->pid);
    else
      event.detail = crash_->title;
    event.crash = std::move(crash_);
    out.push_back(std::move(event));
  }
  if (dump_) {
    finish_task();
    Event event = make_event(EventKind::task_dump, time_, dump_->title);
    event.tasks = std::move(dump_);
    out.push_back(std::move(event));
  }
  crash_.reset();
  dump_.reset();
  task_.reset();
  picker_ = {};
  in_trace_ = false;
  quiet_lines_ = 0;
}

void TraceAssembler::finish_task() {
  if (!task_ || !dump_) return;
  task_->frame = picker_.best();
  if (dump_->tasks.size() < TaskDump::kMaxTasks)
    dump_->tasks.push_back(std::move(*task_));
  else
    ++dump_->tasks_dropped;
  task_.reset();
  picker_ = {};
}

bool TraceAssembler::on_line(const ConsoleLine& line, Keywords keywords, std::vector<Event>& out) {
  const std::string_view text = line.text;
  if (std::optional<CrashReport> header = parse_crash_header(text, keywords)) {
    // "Oops: ..." right after "BUG: unable to handle ..." is the same oops.
    if (crash_ && crash_->kind == CrashKind::bug && !in_trace_ && is_oops_continuation(text)) return true;
    close(out);
    time_ = line.kernel_time();
    crash_ = std::move(header);
    if (crash_->frame) picker_.offer(ref_of(*crash_->frame));  // a WARNING's own location
    return true;
  }
  if (std::optional<std::string> title = parse_task_dump_header(text)) {
    close(out);
    time_ = line.kernel_time();
    dump_.emplace().title = std::move(*title);
    return true;
  }
  if (crash_) return on_crash_line(text, out);
  if (dump_) return on_dump_line(text, out);
  return false;
}

bool TraceAssembler::on_crash_line(std::string_view text, std::vector<Event>& out) {
  if (text.starts_with("---[ end trace")) {
    close(out);
    return true;
  }
  std::optional<FrameRef> frame = parse_rip_line(text);
  if (!frame) {
    frame = parse_stack_frame(text);
    if (frame) in_trace_ = true;
  }
  if (frame) {
    picker_.offer(*frame);
    if (picker_.settled()) close(out);
    return true;
  }
  if (crash_->comm.empty()) {
    if (std::optional<TaskContext> context = parse_task_context(text)) {
      crash_->comm = std::move(context->comm);
      crash_->pid = context->pid;
      if (!crash_->cpu) crash_->cpu = context->cpu;
      return true;
    }
  }
  if (is_report_context(text) || parse_task_line(text)) {
    if (!in_trace_ && ++quiet_lines_ > kMaxPreambleLines) close(out);
    return true;
  }
  // Another CPU's line: inside the trace it ends the report, before it is noise.
  if (in_trace_ || ++quiet_lines_ > kMaxPreambleLines) {
    close(out);
  }
  return false;
}

bool TraceAssembler::on_dump_line(std::string_view text, std::vector<Event>& out) {
  // Frames first, the most lines of a dump: no frame line is a task line.
  if (task_) {
    if (std::optional<FrameRef> frame = parse_stack_frame(text)) {
      picker_.offer(*frame);
      if (frame->reliable && task_->top_frames.size() < DumpedTask::kTopFrames)
        task_->top_frames.emplace_back(frame->function);
      return true;
    }
  }
  if (std::optional<DumpedTask> task = parse_task_line(text)) {
    finish_task();
    task_ = std::move(task);
    task_->top_frames.reserve(DumpedTask::kTopFrames);
    quiet_lines_ = 0;
    return true;
  }
  if (is_report_context(text)) return true;
  // Per-task extras ("Stopper: ...", "Workqueue: ..."), the old kernels'
  // column header ("  task   PC stack   pid father") and other CPUs' lines are
  // tolerated; a run of them means the dump is over (sysrq t goes on with
  // scheduler statistics).
  if (++quiet_lines_ <= kMaxDumpGapLines) return true;
  close(out);
  return false;
}

}  // namespace kmx::console
