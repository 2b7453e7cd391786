#include "console/console_parser.h"

#include <utility>

#include "console/crash.h"

namespace kmx::console {

ConsoleParser::ConsoleParser(std::size_t max_line) : reader_(max_line) {}

std::vector<Event> ConsoleParser::feed(std::string_view bytes) {
  std::vector<Event> events;
  for (const ConsoleLine& line : reader_.feed(bytes))
    if (std::optional<Event> event = on_line(line)) events.push_back(std::move(*event));
  return events;
}

std::vector<Event> ConsoleParser::finish() {
  std::vector<Event> events;
  if (const std::optional<ConsoleLine> line = reader_.finish())
    if (std::optional<Event> event = on_line(*line)) events.push_back(std::move(*event));
  return events;
}

std::optional<Event> ConsoleParser::on_line(const ConsoleLine& line) {
  const std::string_view text = line.text;
  if (std::optional<OomKill> kill = parse_killed_process(text)) return on_killed(std::move(*kill), line);
  if (std::optional<OomChoice> choice = parse_oom_choice(text)) {
    pending_choice_ = std::move(choice);
    return std::nullopt;
  }
  if (std::optional<OomSummary> summary = parse_oom_summary(text)) {
    pending_summaries_.insert_or_assign(summary->pid, std::move(*summary));
    return std::nullopt;
  }
  if (std::optional<std::string> comm = parse_oom_invoked(text)) {
    // A new OOM report: what an earlier one announced but never killed
    // (e.g. "victim is already exiting") must not attach to this one's kill.
    ++invocations_;
    pending_choice_.reset();
    pending_summaries_.clear();
    return Event{EventKind::oom_invoked, line.kernel_time, std::move(*comm), std::nullopt};
  }
  if (std::optional<std::string> reason = parse_panic(text)) {
    if (!panic_) panic_ = *reason;
    return Event{EventKind::panic, line.kernel_time, std::move(*reason), std::nullopt};
  }
  if (std::optional<std::string> lockup = parse_soft_lockup(text))
    return Event{EventKind::soft_lockup, line.kernel_time, std::move(*lockup), std::nullopt};
  if (std::optional<std::string> task = parse_hung_task(text))
    return Event{EventKind::hung_task, line.kernel_time, std::move(*task), std::nullopt};
  return std::nullopt;
}

Event ConsoleParser::on_killed(OomKill kill, const ConsoleLine& line) {
  kill.kernel_time = line.kernel_time;
  if (pending_choice_) {
    kill.chosen_pid = pending_choice_->pid;
    kill.chosen_comm = pending_choice_->comm;
    kill.score = pending_choice_->score;
    kill.sacrificed = pending_choice_->pid != kill.pid;
    if (kill.constraint == Constraint::unknown) kill.constraint = pending_choice_->constraint;
    pending_choice_.reset();
  }
  // The summary names the victim from 5.1 on, but the chosen parent when
  // 4.19-5.0 sacrificed a child: then only its constraint applies.
  if (auto it = pending_summaries_.find(kill.pid); it != pending_summaries_.end()) {
    if (kill.uid < 0) kill.uid = it->second.uid;
    if (kill.constraint == Constraint::unknown) kill.constraint = it->second.constraint;
    pending_summaries_.erase(it);
  } else if (auto parent = pending_summaries_.find(kill.chosen_pid); parent != pending_summaries_.end()) {
    if (kill.constraint == Constraint::unknown) kill.constraint = parent->second.constraint;
    pending_summaries_.erase(parent);
  }
  kills_.push_back(kill);
  return Event{EventKind::oom_kill, line.kernel_time, kill.comm, std::move(kill)};
}

}  // namespace kmx::console
