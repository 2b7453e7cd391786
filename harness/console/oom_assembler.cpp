#include "console/oom_assembler.h"

#include <utility>

namespace kmx::console {

OomReport& OomAssembler::open(const ConsoleLine& line) {
  if (!report_) {
    report_.emplace();
    report_->kernel_time = line.kernel_time();
    columns_.reset();
  }
  return *report_;
}

void OomAssembler::close(std::vector<Event>& out) {
  if (!report_) return;
  Event event = make_event(EventKind::oom_report, report_->kernel_time);
  event.detail = report_->kill ? report_->kill->comm : std::string();
  event.oom = std::move(report_);
  report_.reset();
  columns_.reset();
  out.push_back(std::move(event));
}

bool OomAssembler::on_line(const ConsoleLine& line, Keywords keywords, std::vector<Event>& out) {
  const std::string_view text = line.text;
  if (keywords.has(Keyword::killed)) {
    if (std::optional<OomKill> kill = parse_killed_process(text)) {
      on_killed(std::move(*kill), line, out);
      return true;
    }
  }
  if (keywords.has(Keyword::invoked_oom_killer)) {
    if (std::optional<OomHeader> header = parse_oom_header(text)) {
    // A new report: what an earlier one announced but never killed (e.g.
    // "victim is already exiting") must not attach to this one's kill.
      close(out);
      out.push_back(make_event(EventKind::oom_invoked, line.kernel_time(), header->comm));
      open(line).header = std::move(header);
      return true;
    }
  }
  if (keywords.has(Keyword::kill_process)) {
    if (std::optional<OomChoice> choice = parse_oom_choice(text)) {
      OomReport& r = open(line);
      if (r.constraint == Constraint::unknown) r.constraint = choice->constraint;
      r.choice = std::move(choice);
      columns_.reset();
      return true;
    }
  }
  if (keywords.has(Keyword::oom_kill)) {
    if (std::optional<OomSummary> summary = parse_oom_summary(text)) {
      OomReport& r = open(line);
      r.constraint = summary->constraint;
      if (r.oom_memcg.empty()) r.oom_memcg = summary->oom_memcg;
      if (r.task_memcg.empty()) r.task_memcg = summary->task_memcg;
      r.summary = std::move(summary);
      columns_.reset();
      return true;
    }
  }
  if (std::optional<OomReaped> reaped = parse_oom_reaped(text)) {
    Event event = make_event(EventKind::oom_reaped, line.kernel_time(), reaped->comm);
    event.reaped = std::move(reaped);
    out.push_back(std::move(event));
    return true;
  }
  if (!report_) return false;
  OomReport& r = *report_;
  if (columns_) {
    if (std::optional<OomCandidate> row = parse_task_table_row(text, *columns_)) {
      if (r.candidates.size() < OomReport::kMaxCandidates)
        r.candidates.push_back(std::move(*row));
      else
        ++r.candidates_dropped;
      return true;
    }
  }
  if (std::optional<std::vector<TaskColumn>> columns = parse_task_table_header(text)) {
    columns_ = std::move(columns);
    // A container's table is tens of rows: no regrowing (and moving) row by row.
    r.candidates.reserve(64);
    return true;
  }
  if (std::optional<MemcgLimitLine> limit = parse_memcg_limit_line(text)) {
    r.constraint = Constraint::memcg;
    r.task_memcg = std::move(limit->task_memcg);
    r.oom_memcg = std::move(limit->oom_memcg);
    return true;
  }
  if (std::optional<MemcgCounter> counter = parse_memcg_counter(text)) {
    if (r.memcg_counters.size() < 8) r.memcg_counters.push_back(std::move(*counter));
    return true;
  }
  if (r.header && !r.trigger_pid && r.candidates.empty()) {
    if (std::optional<TaskContext> context = parse_task_context(text)) {
      if (context->comm == r.header->comm) {
        r.trigger_pid = context->pid;
        return true;
      }
    }
  }
  return false;
}

void OomAssembler::on_killed(OomKill kill, const ConsoleLine& line, std::vector<Event>& out) {
  OomReport& r = open(line);
  kill.kernel_time = line.kernel_time();
  if (r.choice) {
    kill.chosen_pid = r.choice->pid;
    kill.chosen_comm = r.choice->comm;
    kill.score = r.choice->score;
    kill.sacrificed = r.choice->pid != kill.pid;
  }
  if (r.summary) {
    // The summary names the victim from 5.1 on, but the chosen parent when
    // 4.19-5.0 sacrificed a child: then only its constraint applies.
    if (r.summary->pid == kill.pid && kill.uid < 0) kill.uid = r.summary->uid;
  }
  if (kill.constraint == Constraint::unknown) kill.constraint = r.constraint;
  if (r.constraint == Constraint::unknown) r.constraint = kill.constraint;
  r.kill = kill;
  Event event = make_event(EventKind::oom_kill, line.kernel_time(), kill.comm);
  event.kill = std::move(kill);
  out.push_back(std::move(event));
  close(out);
}

}  // namespace kmx::console
