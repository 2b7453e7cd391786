#include "vm/qemu_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <array>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/v2.hpp>
#include <deque>
#include <fstream>
#include <thread>
#include <fmt/format.h>

#include "util/error.h"
#include "vm/process_memory.h"
#include "vm/qemu_command.h"
#include "vm/qemu_exit.h"
#include "vm/qmp_client.h"

namespace kmx::vm {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using local_socket = asio::local::stream_protocol::socket;

namespace {

// QEMU must die with the harness, even on SIGKILL: the kernel delivers
// SIGKILL to the child when its parent thread exits. Its own process group
// keeps a terminal's Ctrl-C for the harness, which then shuts QEMU down.
struct DieWithParent {
  pid_t parent = ::getpid();
  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    ::setpgid(0, 0);
    return {};
  }
};

// One serial port: reads forward bytes to a callback, writes are queued
// (Asio allows one outstanding write per socket).
class SerialStream {
 public:
  SerialStream(asio::io_context& io, std::function<void(std::string_view)> on_data)
      : socket_(io), on_data_(std::move(on_data)) {}

  local_socket& socket() { return socket_; }

  void start_reading() {
    socket_.async_read_some(asio::buffer(buf_), [this](boost::system::error_code ec, size_t n) {
      if (ec) return;  // closed: the VM's exit is reported by the process watcher
      on_data_(std::string_view(buf_.data(), n));
      start_reading();
    });
  }

  void write(std::string data) {
    queue_.push_back(std::move(data));
    if (queue_.size() == 1) write_front();
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  void write_front() {
    asio::async_write(socket_, asio::buffer(queue_.front()), [this](boost::system::error_code ec, size_t) {
      if (ec) return queue_.clear();
      queue_.pop_front();
      if (!queue_.empty()) write_front();
    });
  }

  local_socket socket_;
  std::function<void(std::string_view)> on_data_;
  std::array<char, 16384> buf_{};
  std::deque<std::string> queue_;
};

class QemuGuest : public Guest {
 public:
  QemuGuest(asio::io_context& io, const VmConfig& config, GuestEvents events)
      : io_(io),
        events_(std::move(events)),
        console_(io, events_.on_console),
        agent_(io, events_.on_agent),
        qmp_(io),
        connect_timer_(io),
        kill_timer_(io),
        restore_(config.restore) {
    char tmpl[] = "/tmp/kmx-vm-XXXXXX";
    if (!::mkdtemp(tmpl)) throw_errno("creating a socket directory in /tmp");
    socket_dir_ = tmpl;
    const int log_fd = ::open((config.evidence_dir / "qemu.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) throw_errno("opening " + (config.evidence_dir / "qemu.log").string());
    // A restore's device state comes in on stdin (kMigrationFromStdin).
    const std::filesystem::path input = restore_ ? restore_->state : "/dev/null";
    const int in_fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (in_fd < 0) {
      ::close(log_fd);
      throw_errno("opening " + input.string());
    }
    try {
      const auto args = qemu_arguments(config, socket_dir_);
      process_.emplace(io.get_executor(), qemu_executable().string(), args,
                       bp::process_stdio{in_fd, log_fd, log_fd}, DieWithParent{});
    } catch (const std::exception& e) {
      ::close(in_fd);
      ::close(log_fd);
      throw HostError(fmt::format("starting QEMU: {}", e.what()));
    }
    ::close(in_fd);
    ::close(log_fd);
    pid_ = process_->id();
    // The handler's code is the same 9 for exit(9) and SIGKILL: the wait status tells them apart.
    process_->async_wait([this](bp::error_code ec, int) {
      exited_ = true;
      connect_timer_.cancel();
      kill_timer_.cancel();
      if (events_.on_exit)
        events_.on_exit(ec ? "QEMU wait failed: " + ec.message() : qemu_exit_text(process_->native_exit_code()));
    });
    connect_all(std::chrono::steady_clock::now() + std::chrono::seconds(30));
  }

  ~QemuGuest() override {
    console_.close();
    agent_.close();
    qmp_.close();
    if (process_ && !exited_) {
      boost::system::error_code ignored;
      process_->terminate(ignored);  // SIGKILL, then reaped
    }
    std::error_code ignored;
    std::filesystem::remove_all(socket_dir_, ignored);
  }

  void write_agent(std::string line) override { agent_.write(std::move(line)); }
  void freeze() override { qmp_.execute("stop"); }
  void inject_nmi() override { qmp_.execute("inject-nmi"); }

  void send_sysrq(char key) override {
    const auto qcode = [](std::string code) { return nlohmann::json{{"type", "qcode"}, {"data", code}}; };
    qmp_.execute("send-key", {{"keys", {qcode("alt"), qcode("sysrq"), qcode(std::string(1, key))}}});
  }

  void shutdown() override {
    if (exited_) return;
    qmp_.execute("quit");
    kill_timer_.expires_after(std::chrono::seconds(5));
    kill_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || exited_) return;
      boost::system::error_code ignored;
      process_->terminate(ignored);
    });
  }

  std::string describe() const override { return fmt::format("qemu pid {}", pid_); }
  std::optional<uint64_t> private_memory() const override {
    return exited_ ? std::nullopt : process_anonymous_memory(pid_);
  }

  void save_snapshot(const std::filesystem::path& state, std::function<void(const std::string&)> done) override {
    qmp_.execute("stop", nullptr, [this, state, done](const nlohmann::json&, const std::string& error) {
      if (!error.empty()) return done("QMP stop: " + error);
      migrate("migrate", migration_uri_to(state), done);
    });
  }

 private:
  // QEMU creates its sockets while it starts; retry until all three accept.
  void connect_all(std::chrono::steady_clock::time_point deadline) {
    if (exited_) return;
    const QemuSockets sock = qemu_sockets(socket_dir_);
    boost::system::error_code ec;
    for (auto [stream, path] : {std::pair{&console_.socket(), sock.console}, {&agent_.socket(), sock.agent}}) {
      if (!stream->is_open()) {
        stream->connect(asio::local::stream_protocol::endpoint(path.string()), ec);
        if (ec) stream->close();
      }
    }
    local_socket qmp_socket(io_);
    if (console_.socket().is_open() && agent_.socket().is_open()) {
      qmp_socket.connect(asio::local::stream_protocol::endpoint(sock.qmp.string()), ec);
      if (!ec) return start_guest(std::move(qmp_socket));
    }
    if (std::chrono::steady_clock::now() > deadline)
      return fail("QEMU did not open its sockets within 30 s (see qemu.log)");
    connect_timer_.expires_after(std::chrono::milliseconds(2));  // a restore is over in tens of ms: poll finely
    connect_timer_.async_wait([this, deadline](boost::system::error_code e) {
      if (!e) connect_all(deadline);
    });
  }

  void start_guest(local_socket qmp_socket) {
    console_.start_reading();
    agent_.start_reading();
    qmp_.start(
        std::move(qmp_socket),
        [this] {
          if (!restore_) return cont();
          migrate("migrate-incoming", kMigrationFromStdin, [this](const std::string& error) {
            if (!error.empty()) return fail("restoring the snapshot: " + error);
            cont();
          });
        },
        [this](const std::string& why) {
          if (!exited_) fail(why);
        },
        [this](const nlohmann::json& event) { on_qmp_event(event); });
  }

  void cont() {
    qmp_.execute("cont", nullptr, [this](const nlohmann::json&, const std::string& error) {
      if (!error.empty()) return fail("QMP cont: " + error);
      if (events_.on_running) events_.on_running();
    });
  }

  // Saving and restoring are migrations of the device state alone: the RAM
  // is a shared file (x-ignore-shared), in the snapshot already.
  void migrate(const std::string& command, const std::string& uri, std::function<void(const std::string&)> done) {
    migration_done_ = std::move(done);
    // "events": QEMU reports the migration's end only with it.
    const nlohmann::json capabilities = {{{"capability", "x-ignore-shared"}, {"state", true}},
                                         {{"capability", "events"}, {"state", true}}};
    // Sent at once, not one reply apart: QMP runs them in order. Refused
    // capabilities end the save or restore; the migration's own end is then ignored.
    qmp_.execute("migrate-set-capabilities", {{"capabilities", capabilities}},
                 [this](const nlohmann::json&, const std::string& error) {
                   if (!error.empty()) end_migration("migrate-set-capabilities: " + error);
                 });
    qmp_.execute(command, {{"uri", uri}}, [this, command](const nlohmann::json&, const std::string& e) {
      if (!e.empty()) end_migration(command + ": " + e);
    });
  }

  void on_qmp_event(const nlohmann::json& event) {
    if (event.value("event", "") != "MIGRATION" || !migration_done_) return;
    const std::string status = event.at("data").value("status", "");
    if (status == "completed") return end_migration("");
    if (status != "failed" && status != "cancelled") return;
    // The reason is in query-migrate (QEMU's log has it too).
    qmp_.execute("query-migrate", nullptr, [this, status](const nlohmann::json& info, const std::string&) {
      end_migration(fmt::format("migration {}: {}", status,
                                info.is_object() ? info.value("error-desc", "see qemu.log") : "see qemu.log"));
    });
  }

  void end_migration(const std::string& error) {
    if (!migration_done_) return;
    auto done = std::move(migration_done_);
    migration_done_ = nullptr;
    done(error);
  }

  void fail(const std::string& why) {
    if (events_.on_error) events_.on_error(why);
  }

  asio::io_context& io_;
  GuestEvents events_;
  SerialStream console_;
  SerialStream agent_;
  QmpClient qmp_;
  asio::steady_timer connect_timer_;
  asio::steady_timer kill_timer_;
  std::filesystem::path socket_dir_;
  std::optional<bp::process> process_;
  pid_t pid_ = 0;
  bool exited_ = false;
  std::optional<SnapshotFiles> restore_;
  std::function<void(const std::string&)> migration_done_;  // a save or restore under way
};

}  // namespace

std::filesystem::path qemu_executable() {
  const auto path = bp::environment::find_executable("qemu-system-x86_64");
  if (path.empty()) throw HostError("qemu-system-x86_64 not found on PATH (apt-get install qemu-system-x86)");
  return path.string();
}

std::string QemuBackend::version() {
  asio::io_context io;
  asio::readable_pipe out(io);
  bp::process proc(io, qemu_executable().string(), {"--version"}, bp::process_stdio{nullptr, out, nullptr});
  std::string text;
  boost::system::error_code ec;
  asio::read(out, asio::dynamic_buffer(text), ec);
  proc.wait();
  return text.substr(0, text.find('\n'));
}

std::string QemuBackend::snapshot_identity() {
  return fmt::format("{} | {} | machine {}", qemu_executable().string(), version(), kQemuMachine);
}

HostCapacity QemuBackend::capacity() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:")
      return {.cpus = static_cast<int>(std::thread::hardware_concurrency()), .available_memory = kib * 1024};
  throw HostError("/proc/meminfo: no MemAvailable line");
}

std::unique_ptr<Guest> QemuBackend::launch(asio::io_context& io, const VmConfig& config, GuestEvents events) {
  return std::make_unique<QemuGuest>(io, config, std::move(events));
}

}  // namespace kmx::vm
