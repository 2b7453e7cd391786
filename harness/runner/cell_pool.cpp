#include "runner/cell_pool.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "runner/interrupt.h"
#include "util/error.h"
#include "runner/progress.h"
#include "runner/status_line.h"

namespace kmx::runner {

namespace {

struct Ended {
  size_t index;
  std::optional<nlohmann::json> record;
  std::exception_ptr error;
};

class Pool {
 public:
  Pool(const std::vector<CellRun>& runs, const PoolSettings& settings, const RunOne& run_one, const OnRecord& on_record)
      : runs_(runs), settings_(settings), run_one_(run_one), on_record_(on_record), hosts_(settings.hosts),
        status_(STDERR_FILENO) {
    progress_.done = settings.done;
    progress_.total = settings.total;
    progress_.jobs = 0;
    for (const HostLimits& h : settings.hosts) progress_.jobs += h.jobs;
  }

  void run() {
    size_t next = 0;
    bool stopping = false;
    std::exception_ptr first_error;
    while (true) {
      if (!stopping && interrupt_signal()) {
        stopping = true;
        clear_status();
        if (!threads_.empty())
          fmt::print(stderr, "kmatrix: interrupted: no new cells; waiting for {} running (interrupt again to abort them)\n",
                     threads_.size());
      }
      uint64_t need = 0;
      while (!stopping && next < runs_.size()) {
        need = settings_.charge(runs_[next]);
        const std::optional<size_t> host = hosts_.take(need);
        if (!host) break;
        start(next++, {*host, need});
      }
      if (!stopping && next < runs_.size() && !hosts_.fits_a_live_host(need)) {
        stopping = true;
        if (!first_error)
          first_error = std::make_exception_ptr(HostError(fmt::format(
              "no live host left with the memory for cell {}; {} run(s) not done", runs_[next].cell->name,
              runs_.size() - next)));
      }
      if (threads_.empty() && (stopping || next == runs_.size())) break;

      std::deque<Ended> ended = wait_for_ends();
      for (Ended& e : ended) {
        threads_.at(e.index).join();
        threads_.erase(e.index);
        const Slot slot = slot_of_.at(e.index);
        const size_t host = slot.host;
        slot_of_.erase(e.index);
        hosts_.give_back(host, slot.charged);
        if (hosts_.alive(host) && !settings_.host_alive(host)) {
          hosts_.fail(host);
          clear_status();
          fmt::print(stderr, "kmatrix: host {} is lost; its cells still to run go to the others\n", host + 1);
        }
        std::lock_guard lock(mutex_);
        phases_.erase(e.index);
      }
      if (!ended.empty()) clear_status();  // summary lines print above the status line
      for (Ended& e : ended) {
        if (e.error) {
          if (!first_error) first_error = e.error;
          stopping = true;
        } else if (e.record) {
          ++progress_.done;
          ++progress_.outcomes[e.record->value("outcome", "?")];
          progress_.cell_ms.push_back(e.record->value("/timings/cell_ms"_json_pointer, int64_t{0}));
          last_end_ = std::chrono::steady_clock::now();
          on_record_(runs_[e.index], *e.record);
        }
      }
      draw_status();
    }
    clear_status();
    if (first_error) std::rethrow_exception(first_error);
  }

 private:
  void start(size_t index, Slot slot) {
    slot_of_[index] = slot;
    {
      std::lock_guard lock(mutex_);
      phases_[index] = "starting";
    }
    threads_.emplace(index, std::thread([this, index, slot] {
      Ended e{index, std::nullopt, nullptr};
      try {
        e.record = run_one_(runs_[index], slot, [this, index](const std::string& phase) {
          std::lock_guard lock(mutex_);
          phases_[index] = phase;
        });
      } catch (...) {
        e.error = std::current_exception();
      }
      std::lock_guard lock(mutex_);
      ended_.push_back(std::move(e));
      cv_.notify_one();
    }));
  }

  // Wakes for an ended cell, or every 250 ms to redraw and notice signals.
  std::deque<Ended> wait_for_ends() {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return !ended_.empty(); });
    std::deque<Ended> out;
    out.swap(ended_);
    lock.unlock();
    if (out.empty()) draw_status();
    return out;
  }

  void draw_status() {
    if (!status_.enabled()) return;
    {
      std::lock_guard lock(mutex_);
      progress_.running.clear();
      for (const auto& [index, phase] : phases_) progress_.running.emplace_back(runs_[index].cell->name, phase);
    }
    progress_.since_last_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - last_end_).count();
    status_.show(progress_text(progress_, status_.width()));
  }

  void clear_status() { status_.clear(); }

  const std::vector<CellRun>& runs_;
  const PoolSettings& settings_;
  const RunOne& run_one_;
  const OnRecord& on_record_;
  HostScheduler hosts_;
  StatusLine status_;
  ProgressState progress_;
  std::chrono::steady_clock::time_point last_end_;
  std::map<size_t, std::thread> threads_;  // touched by the calling thread only
  std::map<size_t, Slot> slot_of_;         // run index -> where it runs

  std::mutex mutex_;  // guards what the workers touch:
  std::condition_variable cv_;
  std::deque<Ended> ended_;
  std::map<size_t, std::string> phases_;
};

}  // namespace

void run_pool(const std::vector<CellRun>& runs, const PoolSettings& settings, const RunOne& run_one,
              const OnRecord& on_record) {
  Pool(runs, settings, run_one, on_record).run();
}

}  // namespace kmx::runner
