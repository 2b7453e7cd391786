#include "runner/cell_session.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "agent/cell_message.h"
#include "agent/protocol.h"
#include "console/console_parser.h"
#include "matrix/cell.h"
#include "outcome/roles.h"
#include "outcome/stall.h"
#include "outcome/verdict.h"
#include "outcome/watchdog.h"
#include "protocol.h"
#include "results/cell_record.h"
#include "runner/boot_choice.h"
#include "runner/guest_cmdline.h"
#include "runner/interrupt.h"
#include "util/read_file.h"

namespace kmx::runner {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

milliseconds since(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<milliseconds>(to - from);
}

// A restored guest answers `restored` in well under a second; a snapshot
// that does not within this is not worth waiting the boot timeout for.
constexpr milliseconds kRestoreReadyTimeout{30'000};

outcome::Deadlines deadlines(const matrix::RunSettings& run, bool restoring) {
  const milliseconds boot(run.boot_timeout_ms);
  return {restoring ? std::min(boot, kRestoreReadyTimeout) : boot, milliseconds(run.heartbeat_timeout_ms),
          milliseconds(run.workload_timeout_ms)};
}

class CellSession {
 public:
  // `restore`: start from this snapshot of `guest` instead of booting it.
  CellSession(vm::Backend& backend, const CellJob& job, vm::VmConfig config, const Snapshot* restore,
              const Progress& progress)
      : job_(job),
        progress_(progress),
        tick_(io_),
        grace_(io_),
        agent_log_(job.evidence_dir / "agent.log", std::ios::binary),
        watchdog_(deadlines(job.cell.run, restore != nullptr), Clock::now()) {
    if (restore) {
      snapshot_ = restore->key;
      config.restore = restore->files;
    }
    host_ = backend.host();
    start_ = Clock::now();
    progress_(restore ? "restoring the snapshot" : host_.empty() ? "starting QEMU" : "starting on " + host_);
    guest_ = backend.launch(io_, config,
                            {.on_running = [this] { on_running(); },
                             .on_console = [this](std::string_view bytes) { on_console(bytes); },
                             .on_agent = [this](std::string_view bytes) { on_agent(bytes); },
                             .on_exit = [this](const std::string& how) { on_exit(how); },
                             .on_error = [this](const std::string& why) { watchdog_.on_infra_error(Clock::now(), why); }});
    schedule_tick();
  }

  // The record; nullopt when interrupted or when the restore failed.
  std::optional<nlohmann::json> run() {
    io_.run();
    if (interrupted_ || restore_failure()) return std::nullopt;
    return record();
  }

  // Why this restored guest says nothing about its kernel (boot_choice.h).
  std::optional<std::string> restore_failure() const {
    if (snapshot_.empty() || interrupted_) return std::nullopt;
    return runner::restore_failure(ready_.has_value(), trigger_);
  }

  void record_fallback(std::string why) { snapshot_fallback_ = std::move(why); }

 private:
  void on_running() {
    running_ = Clock::now();
    if (snapshot_.empty()) return progress_("booting");
    // The agent said `ready` to the snapshot's boot, long gone: it says it again to us.
    progress_("restored, waiting for ready");
    send(KM_MSG_RESTORED, {});
  }

  void on_console(std::string_view bytes) { on_console_events(console_.feed(bytes)); }

  // A torn last line still counts once the console is closed.
  void on_console_end() { on_console_events(console_.finish()); }

  void on_console_events(const std::vector<console::Event>& events) {
    const auto now = Clock::now();
    for (const console::Event& event : events) {
      if (event.kind == console::EventKind::panic) watchdog_.on_panic(now, event.detail);
      if (event.kind == console::EventKind::oom_kill) stall_.on_kill(now);
    }
  }

  void on_agent(std::string_view bytes) {
    agent_log_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    for (const std::string& line : splitter_.feed(bytes)) {
      const agent::ParseResult parsed = agent::parse_line(line);
      if (parsed.status != agent::LineStatus::ok) {
        ++rejected_lines_;
        continue;
      }
      on_message(parsed.message, Clock::now());
    }
  }

  void send(std::string_view type, const std::vector<std::pair<std::string, std::string>>& fields) {
    const std::string line = agent::format_line(++sent_seq_, type, fields);
    agent_log_ << "> " << line;
    guest_->write_agent(line);
  }

  void on_message(const agent::Message& msg, Clock::time_point now) {
    if (msg.type == KM_MSG_READY) {
      ready_ = now;
      watchdog_.on_ready(now);
      guest_kernel_ = msg.get("kernel").value_or("");
      progress_("ready, sending the cell");
      send(KM_MSG_CELL, agent::cell_fields(job_.cell, job_.kernel.modules));
    } else if (msg.type == KM_MSG_CELL_OK) {
      cell_taken_ = now;
    } else if (msg.type == KM_MSG_STARTED) {
      workload_started_ = now;
      watchdog_.on_workload_started(now);
      add_role(msg);
    } else if (msg.type == KM_MSG_ROLE) {
      add_role(msg);
    } else if (msg.type == KM_MSG_HEARTBEAT) {
      agent::Heartbeat hb;
      try {
        hb = agent::parse_heartbeat(msg);
      } catch (const agent::ProtocolError& e) {
        return reject(e);
      }
      watchdog_.on_heartbeat(now);
      peak_usage_ = std::max(peak_usage_, hb.usage);
      // The stall is a measure of the workload: what follows the verdict
      // (evidence being collected) is not part of it.
      if (!trigger_) stall_.on_heartbeat(now, hb);
      last_heartbeat_ = hb;
      progress_(fmt::format("workload: {} started, {} live, {} killed, memcg {} MiB, failcnt {}", hb.started, hb.live,
                            hb.killed, hb.usage >> 20, hb.failcnt));
    } else if (msg.type == KM_MSG_SCORES) {
      for (const auto& [key, value] : msg.fields)
        if (key == "p") oom_scores_.push_back(value);
    } else if (msg.type == KM_MSG_DONE) {
      // A killed parent is a victim, not the end: its children may hold the
      // container at its limit for minutes, which is the seed's hang.
      if (!outcome::agent_final(msg).children_ended()) {
        agent_log_ << "# workload-done with children alive: not the end of the workload, still watching\n";
        return;
      }
      final_ = msg;
      watchdog_.on_workload_done(now);
    } else if (msg.type == KM_MSG_ERROR) {
      agent_errors_.push_back(fmt::format("{}: {} (errno {})", msg.get("what").value_or("?"),
                                          msg.get("msg").value_or(""), msg.get("errno").value_or("?")));
      // Before the workload runs an agent error means the cell cannot run.
      if (!workload_started_) watchdog_.on_infra_error(now, "agent: " + agent_errors_.back());
    } else if (msg.type == KM_MSG_SYSRQ_DONE) {
      stop_after(milliseconds(2000));  // let the task dump reach the console
    }
  }

  void add_role(const agent::Message& msg) {
    try {
      roles_.add(msg);
    } catch (const agent::ProtocolError& e) {
      reject(e);
    }
  }

  // A line that parsed but breaks the protocol: counted and kept in agent.log.
  void reject(const agent::ProtocolError& e) {
    ++rejected_lines_;
    agent_log_ << "# rejected: " << e.what() << "\n";
  }

  void on_exit(const std::string& how) {
    exited_ = true;
    on_console_end();
    if (!trigger_) {
      // The VM ended on its own: a panic with panic=N reboot, or QEMU died.
      watchdog_.on_infra_error(Clock::now(), how);
      conclude(Clock::now());
    }
    io_.stop();
  }

  void schedule_tick() {
    tick_.expires_after(milliseconds(200));
    tick_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      on_tick(Clock::now());
      schedule_tick();
    });
  }

  void on_tick(Clock::time_point now) {
    if (abort_requested() && !interrupted_) {
      interrupted_ = true;
      return guest_->shutdown();
    }
    maybe_freeze(now);
    if (const std::optional<uint64_t> m = guest_->private_memory()) private_peak_ = std::max(private_peak_.value_or(0), *m);
    if (!trigger_) conclude(now);
  }

  // Fault injection for testing the heartbeat watchdog: stop the vCPUs.
  void maybe_freeze(Clock::time_point now) {
    const uint64_t after = job_.cell.fault.freeze_vm_after_ms;
    if (after == 0 || frozen_ || !workload_started_ || since(*workload_started_, now).count() < int64_t(after)) return;
    frozen_ = true;
    guest_->freeze();
  }

  void conclude(Clock::time_point now) {
    trigger_ = watchdog_.check(now);
    if (!trigger_) return;
    verdict_at_ = now;
    progress_(fmt::format("{}: collecting evidence", outcome::to_string(trigger_->kind)));
    switch (trigger_->kind) {
      case outcome::TriggerKind::workload_deadline:
        // The agent is alive: it asks its own kernel for blocked (w) and all (t) task states.
        send(KM_MSG_SYSRQ, {{"keys", "wt"}});
        stop_after(milliseconds(15000));
        break;
      case outcome::TriggerKind::heartbeat_silence:
        // The agent is silent: sysrq through the emulated keyboard.
        guest_->send_sysrq('w');
        stop_after(milliseconds(5000));
        break;
      case outcome::TriggerKind::panic:
        stop_after(milliseconds(2000));  // the panic's backtrace follows its first line
        break;
      default:
        stop_after(milliseconds(0));
    }
  }

  void stop_after(milliseconds delay) {
    grace_.expires_after(delay);
    grace_.async_wait([this](boost::system::error_code ec) {
      if (!ec && !exited_) guest_->shutdown();
    });
  }

  nlohmann::json record() {
    const auto end = Clock::now();
    const outcome::AgentFinal final = outcome::agent_final(final_);
    const outcome::Verdict verdict = outcome::decide(*trigger_, console_.oom_kills(), final, roles_, agent_errors_);
    results::CellTimings t;
    t.cell_ms = since(start_, end).count();
    if (running_) t.start_ms = since(start_, *running_).count();
    if (running_ && !snapshot_.empty()) t.restore_ms = since(start_, *running_).count();
    if (running_ && ready_) t.boot_ms = since(*running_, *ready_).count();
    if (cell_taken_) t.overhead_ms = since(start_, *cell_taken_).count();
    if (workload_started_) t.workload_ms = since(*workload_started_, verdict_at_).count();
    t.verdict_ms = since(start_, verdict_at_).count();
    t.longest_stall_ms = stall_.longest().count();
    return results::cell_record({
        .cell = job_.cell,
        .kernel = job_.kernel.kernel,
        .guest_kernel = guest_kernel_,
        .accel = job_.accel,
        .host = host_,
        .verdict = verdict,
        .timings = t,
        .last_heartbeat = last_heartbeat_,
        .peak_usage = peak_usage_,
        .final = final,
        .oom_scores = oom_scores_,
        .rejected_agent_lines = rejected_lines_,
        .evidence = job_.evidence_rel,
        .repeat = job_.repeat,
        .snapshot = snapshot_,
        .snapshot_fallback = snapshot_fallback_,
        .memory_charged = job_.charged,
        .private_peak = private_peak_,
    });
  }

  const CellJob& job_;
  const Progress& progress_;
  asio::io_context io_;
  asio::steady_timer tick_;
  asio::steady_timer grace_;
  std::ofstream agent_log_;
  std::unique_ptr<vm::Guest> guest_;

  outcome::Watchdog watchdog_;
  outcome::StallTracker stall_;
  outcome::Roles roles_;
  console::ConsoleParser console_;
  agent::LineSplitter splitter_;

  Clock::time_point start_;
  std::optional<Clock::time_point> running_, ready_, cell_taken_, workload_started_;
  std::string snapshot_;           // key of the snapshot restored; empty: a cold boot
  std::string snapshot_fallback_;  // why a cell that asked for a snapshot boots cold
  Clock::time_point verdict_at_;
  std::optional<outcome::Trigger> trigger_;
  std::optional<agent::Message> final_;
  std::optional<agent::Heartbeat> last_heartbeat_;
  std::vector<std::string> oom_scores_;
  std::vector<std::string> agent_errors_;
  std::string guest_kernel_;
  std::string host_;
  int64_t peak_usage_ = 0;
  std::optional<uint64_t> private_peak_;  // of the guest's host memory, sampled each tick
  uint64_t sent_seq_ = 0;
  int rejected_lines_ = 0;
  bool frozen_ = false;
  bool exited_ = false;
  bool interrupted_ = false;
};

// A failed restore's logs, kept apart from the cold boot's that replaces it.
// Returns what QEMU said (e.g. "load of migration failed: ..."), lines joined.
std::string set_aside(const std::filesystem::path& evidence) {
  const std::filesystem::path aside = evidence / "restore-failed";
  std::filesystem::create_directories(aside);
  for (const char* name : {"console.log", "agent.log", "qemu.log", "boot-console.log"})
    if (std::filesystem::exists(evidence / name)) std::filesystem::rename(evidence / name, aside / name);
  std::istringstream log(util::read_file(aside / "qemu.log"));
  std::string said;
  for (std::string line; std::getline(log, line) && said.size() < 300;)
    if (!line.empty()) said += (said.empty() ? "" : "; ") + line;
  return said;
}

vm::VmConfig guest_config(const CellJob& job) {
  return {
      .kernel = job.kernel.kernel.bzimage,
      .initramfs = job.kernel.initramfs,
      .cmdline = guest_cmdline(job.cell, job.kernel.built_in.contains(agent::kSwapModule)),
      .memory = job.cell.run.guest_memory,
      .cpus = job.cell.run.cpus,
      .accel = job.accel,
      .evidence_dir = job.evidence_dir,
      .memory_file = {},
      .restore = std::nullopt,
      .cell_id = matrix::cell_id(job.cell),
      .repeat = job.repeat,
      .name = {},
  };
}

}  // namespace

bool restores_now(vm::Backend& backend, const CellJob& job) {
  return choose_boot(job.cell.run.boot, job.snapshots && backend.snapshots(), backend.name()).restore &&
         job.snapshots->has(guest_config(job));
}

std::optional<nlohmann::json> run_cell(vm::Backend& backend, const CellJob& job, const Progress& progress) {
  const vm::VmConfig guest = guest_config(job);
  const BootChoice choice = choose_boot(job.cell.run.boot, job.snapshots && backend.snapshots(), backend.name());
  std::string why_cold = choice.why_cold;
  if (choice.restore) {
    progress("snapshot");
    if (const auto snapshot = job.snapshots->get(guest, milliseconds(job.cell.run.boot_timeout_ms), why_cold)) {
      // The restored console starts at `ready`: the boot before it is the snapshot's.
      std::error_code ignored;
      std::filesystem::copy_file(snapshot->dir / "console.log", job.evidence_dir / "boot-console.log", ignored);
      std::optional<std::string> failure;
      {
        CellSession session(backend, job, guest, &*snapshot, progress);
        auto record = session.run();
        failure = session.restore_failure();
        if (!failure) return record;
      }
      const std::string qemu_said = set_aside(job.evidence_dir);
      why_cold = fmt::format("snapshot {} did not restore: {}{}", snapshot->key, *failure,
                             qemu_said.empty() ? "" : " (" + qemu_said + ")");
      fmt::print(stderr, "kmatrix: warning: cell {}: {}; snapshot deleted, booting the cell cold\n", job.cell.name,
                 why_cold);
      job.snapshots->discard(*snapshot);
    }
  }
  CellSession session(backend, job, guest, nullptr, progress);
  session.record_fallback(why_cold);
  return session.run();
}

}  // namespace kmx::runner
