// `kmatrix explain LOGFILE`: what the console parser understands from a
// kernel console log (OOM reports with their candidates and victims,
// lockups, hung tasks, oopses, panics, sysrq task dumps), as a table or JSON.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "console/console_parser.h"
#include "console/event_json.h"
#include "util/error.h"

namespace kmx::cli {

namespace {

struct ExplainOptions {
  std::string log_file;
  bool json = false;
  int top = 10;
};

std::string time_of(const console::Event& e) {
  return e.kernel_time ? fmt::format("{:.6f}", static_cast<double>(e.kernel_time->count()) / 1e6) : "-";
}

std::string opt(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }
std::string opt(const std::optional<int>& v) { return v ? std::to_string(*v) : "-"; }

std::string frame_text(const std::optional<console::StackFrame>& f) {
  if (!f) return "(no frame)";
  return f->function + (f->module.empty() ? "" : " [" + f->module + "]") + (f->reliable ? "" : " (guessed)");
}

std::string kill_text(const console::OomKill& k) {
  std::string s = fmt::format("killed {} (pid {}", k.comm, k.pid);
  if (k.uid >= 0) s += fmt::format(", uid {}", k.uid);
  if (k.anon_rss_kb >= 0) s += fmt::format(", anon-rss {}kB", k.anon_rss_kb);
  s += ")";
  if (k.score) s += fmt::format("; chosen {} (pid {}) score {}", k.chosen_comm, k.chosen_pid, *k.score);
  if (k.sacrificed) s += ", a child sacrificed in its place";
  return s;
}

void print_oom(const console::Event& e, int top) {
  const console::OomReport& r = *e.oom;
  std::string what = fmt::format("{} OOM", to_string(r.constraint));
  if (!r.oom_memcg.empty()) what += " in " + r.oom_memcg;
  if (r.header)
    what += fmt::format(": {} (pid {}) invoked the killer, gfp_mask={} order={}", r.header->comm,
                        opt(r.trigger_pid), r.header->gfp_mask, opt(r.header->order));
  else
    what += " (header rate-limited)";
  fmt::print("{:<14} {:<12} {}\n", time_of(e), "oom", what);
  for (const console::MemcgCounter& c : r.memcg_counters)
    fmt::print("{:<27} {}: usage {}kB, limit {}kB, failcnt {}\n", "", c.name, c.usage_kb, c.limit_kb, c.failcnt);
  if (!r.candidates.empty()) {
    // The biggest first: they are the ones an OOM killer should pick.
    std::vector<const console::OomCandidate*> rows;
    for (const console::OomCandidate& c : r.candidates) rows.push_back(&c);
    std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
      return a->rss.value_or(0) + a->swapents.value_or(0) > b->rss.value_or(0) + b->swapents.value_or(0);
    });
    const std::size_t shown = top > 0 ? std::min(rows.size(), static_cast<std::size_t>(top)) : rows.size();
    fmt::print("{:<27} {} candidates{}:\n", "", r.candidates.size(),
               shown < rows.size() ? fmt::format(", the {} largest", shown) : "");
    fmt::print("{:<29} {:>7} {:>6} {:>9} {:>8} {:>8} {:>10} {:>6}  {}\n", "", "pid", "uid", "total_vm", "rss",
               "swapents", "ptes", "adj", "name");
    for (std::size_t i = 0; i < shown; ++i) {
      const console::OomCandidate& c = *rows[i];
      const std::string ptes = c.pgtables_bytes ? std::to_string(*c.pgtables_bytes) + "B" : opt(c.nr_ptes);
      const bool chosen = (r.choice && r.choice->pid == c.pid) || (r.kill && r.kill->pid == c.pid);
      fmt::print("{:<27} {} {:>7} {:>6} {:>9} {:>8} {:>8} {:>10} {:>6}  {}\n", "", chosen ? "*" : " ", c.pid,
                 opt(c.uid), opt(c.total_vm), opt(c.rss), opt(c.swapents), ptes, opt(c.oom_score_adj), c.comm);
    }
  }
  fmt::print("{:<27} {}\n", "", r.kill ? kill_text(*r.kill) : "nothing killed");
}

// Events are printed as the parser reports them and then dropped: a console
// log may be far larger than any report in it, and memory must not grow
// with it. So the totals come last.
class Printer {
 public:
  virtual ~Printer() = default;
  virtual void print(const console::Event& e) = 0;
  virtual void finish(const console::ConsoleParser& parser) = 0;
};

class TablePrinter : public Printer {
 public:
  explicit TablePrinter(int top) : top_(top) { fmt::print("{:<14} {:<12} {}\n", "TIME", "EVENT", "WHAT"); }

  void print(const console::Event& e) override {
    ++counts_[static_cast<std::size_t>(e.kind)];
    switch (e.kind) {
      case console::EventKind::oom_invoked:
      case console::EventKind::oom_kill: break;  // shown with their report
      case console::EventKind::oom_report: print_oom(e, top_); break;
      case console::EventKind::oom_reaped:
        fmt::print("{:<14} {:<12} {} (pid {}), {}kB anon left\n", time_of(e), "oom-reaped", e.reaped->comm,
                   e.reaped->pid, e.reaped->anon_rss_kb);
        break;
      case console::EventKind::panic: fmt::print("{:<14} {:<12} {}\n", time_of(e), "panic", e.detail); break;
      case console::EventKind::task_dump:
        fmt::print("{:<14} {:<12} sysrq {}: {} task(s)\n", time_of(e), "task-dump", e.tasks->title,
                   e.tasks->tasks.size());
        for (const console::DumpedTask& t : e.tasks->tasks)
          fmt::print("{:<27} {} {:>7} {:<16} at {}\n", "", t.state, t.pid, t.comm, frame_text(t.frame));
        break;
      default:
        fmt::print("{:<14} {:<12} {}\n{:<27} task {} (pid {}), at {}\n", time_of(e), to_string(e.kind),
                   e.crash->title, "", e.crash->comm.empty() ? "-" : e.crash->comm, opt(e.crash->pid),
                   frame_text(e.crash->frame));
    }
  }

  void finish(const console::ConsoleParser& parser) override {
    using console::EventKind;
    fmt::print("\n{} OOM report(s), {} kill(s), {} panic(s), {} lockup/hang/stall report(s), {} oops/BUG/WARNING, "
               "{} task dump(s)\n",
               count(EventKind::oom_report), parser.oom_kills().size(), count(EventKind::panic),
               count(EventKind::soft_lockup) + count(EventKind::hard_lockup) + count(EventKind::hung_task) +
                   count(EventKind::rcu_stall),
               count(EventKind::bug) + count(EventKind::warning), count(EventKind::task_dump));
    if (parser.truncated_lines())
      fmt::print("{} overlong line(s) were cut at 4096 bytes\n", parser.truncated_lines());
  }

 private:
  int count(console::EventKind kind) const { return counts_[static_cast<std::size_t>(kind)]; }

  int top_;
  std::array<int, static_cast<std::size_t>(console::EventKind::task_dump) + 1> counts_{};
};

// The object of console::to_json(parser, events) (the golden files' format),
// written one event per line as they come, the totals after them.
class JsonPrinter : public Printer {
 public:
  JsonPrinter() { fmt::print("{{\"events\": ["); }

  void print(const console::Event& e) override {
    fmt::print("{}\n  {}", first_ ? "" : ",", dump(console::to_json(e)));
    first_ = false;
  }

  void finish(const console::ConsoleParser& parser) override {
    fmt::print("\n]");
    const nlohmann::json totals = console::totals_json(parser);
    for (const auto& [key, value] : totals.items())
      fmt::print(",\n\"{}\": {}", key, dump(value));
    fmt::print("}}\n");
  }

 private:
  static std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  bool first_ = true;
};

int explain(const ExplainOptions& o) {
  std::ifstream in(o.log_file, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot open: {}", o.log_file, std::strerror(errno)));
  std::unique_ptr<Printer> printer;
  if (o.json)
    printer = std::make_unique<JsonPrinter>();
  else
    printer = std::make_unique<TablePrinter>(o.top);
  console::ConsoleParser parser;
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
    for (const console::Event& e : parser.feed(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount()))))
      printer->print(e);
  if (in.bad()) throw HostError(fmt::format("{}: read error", o.log_file));
  for (const console::Event& e : parser.finish()) printer->print(e);
  printer->finish(parser);
  return kExitOk;
}

}  // namespace

Command add_explain_command(CLI::App& app) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "Show what kmatrix understands from a kernel console log: OOM reports (trigger, memcg "
                 "counters, candidates, choice, victim), lockups, hung tasks, RCU stalls, oopses, panics, "
                 "sysrq task dumps");
  cmd->add_option("logfile", options->log_file, "A serial console log, e.g. results/smoke/cells/<id>/console.log")
      ->required();
  cmd->add_flag("--json", options->json, "Print every event as JSON (the format of the parser's golden tests)");
  cmd->add_option("--top", options->top, "Candidates shown per OOM report, largest first (0: all)")
      ->check(CLI::NonNegativeNumber);
  return [options] { return explain(*options); };
}

}  // namespace kmx::cli
