#include "console/console_parser.h"

#include <utility>

namespace kmx::console {

ConsoleParser::ConsoleParser(std::size_t max_line) : reader_(max_line) {}

std::vector<Event> ConsoleParser::feed(std::string_view bytes) {
  std::vector<Event> events;
  while (const std::optional<ConsoleLine> line = reader_.next(bytes)) on_line(*line, events);
  remember(events, 0);
  return events;
}

std::vector<Event> ConsoleParser::finish() {
  std::vector<Event> events;
  if (const std::optional<ConsoleLine> line = reader_.finish()) on_line(*line, events);
  oom_.close(events);
  traces_.close(events);
  remember(events, 0);
  return events;
}

void ConsoleParser::on_line(const ConsoleLine& line, std::vector<Event>& out) {
  if (std::optional<std::string> reason = parse_panic(line.text)) {
    // What was being printed before the panic is over.
    oom_.close(out);
    traces_.close(out);
    out.push_back(make_event(EventKind::panic, line.kernel_time(), std::move(*reason)));
    return;
  }
  const Keywords keywords = line.no_keywords ? Keywords{} : keywords_in(line.text);
  // An OOM report's header also ends the stack being read (its trace is the OOM report's).
  if (keywords.has(Keyword::invoked_oom_killer) && is_oom_header(line.text)) traces_.close(out);
  if (oom_.on_line(line, keywords, out)) return;
  traces_.on_line(line, keywords, out);
}

void ConsoleParser::remember(const std::vector<Event>& events, std::size_t from) {
  for (std::size_t i = from; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.kind == EventKind::oom_kill && e.kill) kills_.push_back(*e.kill);
    if (e.kind == EventKind::oom_invoked) ++invocations_;
    if (e.kind == EventKind::panic && !panic_) panic_ = e.detail;
  }
}

}  // namespace kmx::console
