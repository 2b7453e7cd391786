#include "vm/libvirt_backend.h"

#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <libvirt/virterror.h>

#include "util/error.h"
#include "util/read_file.h"
#include "vm/domain_owner.h"
#include "vm/host_claim.h"
#include "vm/libvirt_connect_error.h"
#include "vm/libvirt_domain_xml.h"
#include "vm/libvirt_snapshot.h"
#include "vm/libvirt_storage.h"

namespace kmx::vm {

namespace asio = boost::asio;

class LibvirtGuest;

// Shared between a guest and libvirt's event thread: callbacks there reach
// the guest only through its io_context, and only while both live.
struct LibvirtBackend::Link : std::enable_shared_from_this<Link> {
  std::mutex mutex;
  asio::io_context* io = nullptr;
  LibvirtGuest* guest = nullptr;

  template <typename F>
  void post(F f) {
    std::lock_guard lock(mutex);
    if (!io) return;
    asio::post(*io, [keep = weak_from_this(), f = std::move(f)]() mutable {
      const std::shared_ptr<Link> self = keep.lock();
      if (!self) return;
      LibvirtGuest* g;
      {
        std::lock_guard lock(self->mutex);
        g = self->guest;
      }
      if (g) f(*g);
    });
  }

  void detach() {
    std::lock_guard lock(mutex);
    io = nullptr;
    guest = nullptr;
  }
};

namespace {

using Link = LibvirtBackend::Link;

const char* stop_text(int detail) {
  switch (detail) {
    case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN: return "the guest shut down";
    case VIR_DOMAIN_EVENT_STOPPED_DESTROYED: return "destroyed";
    case VIR_DOMAIN_EVENT_STOPPED_CRASHED: return "the guest crashed";
    case VIR_DOMAIN_EVENT_STOPPED_FAILED: return "the hypervisor failed";
    default: return "stopped";
  }
}

// Linux key codes of the letters, for sysrq through virDomainSendKey.
int letter_keycode(char key) {
  static constexpr std::array<int, 26> codes = {
      KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
      KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};
  if (key < 'a' || key > 'z') throw std::invalid_argument(fmt::format("sysrq key {:?} is not a lowercase letter", key));
  return codes[static_cast<size_t>(key - 'a')];
}

}  // namespace

// One serial port as a nonblocking console stream. Reads and writes happen
// on libvirt's event thread; writes are queued here by the io thread.
struct ConsolePort {
  std::shared_ptr<Link> link;
  bool agent = false;
  StreamHandle stream;
  std::mutex mutex;
  std::string pending;  // bytes to send

  static constexpr int kRead = VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP;

  void write(std::string data) {
    std::lock_guard lock(mutex);
    pending += data;
    virStreamEventUpdateCallback(stream.get(), kRead | VIR_STREAM_EVENT_WRITABLE);
  }

  static void on_event(virStreamPtr st, int events, void* opaque);
};

class LibvirtGuest : public Guest {
 public:
  // `restore`: start from this save image (libvirt_snapshot.h) instead of booting `spec`.
  LibvirtGuest(asio::io_context& io, virConnectPtr conn, const std::string& uri, DomainSpec spec,
               const std::optional<SnapshotFiles>& restore, const std::filesystem::path& evidence_dir,
               GuestEvents events, std::shared_ptr<Link> link)
      : conn_(conn), uri_(uri), name_(spec.name), evidence_dir_(evidence_dir), events_(std::move(events)), link_(link) {
    console_log_ = ::open((evidence_dir / "console.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (console_log_ < 0) throw_errno("opening " + (evidence_dir / "console.log").string());
    {
      std::lock_guard lock(link->mutex);
      link->io = &io;
      link->guest = this;
    }
    // A snapshot's domains share their name and so their log: this guest's part starts here.
    std::error_code ec;
    log_from_ = std::filesystem::file_size(host_log(), ec);
    if (ec) log_from_ = 0;
    try {
      start(spec, restore);
    } catch (const HostError& e) {
      // As when QEMU itself fails to start: the VM's end, the cell's infra-error, not the run's.
      stop_watching();
      if (dom_) virDomainDestroy(dom_.get());
      link_->post([why = std::string(e.what())](LibvirtGuest& g) { g.on_stopped(why); });
    }
  }

  ~LibvirtGuest() override {
    link_->detach();
    stop_watching();
    // Nothing outlives its cell.
    if (dom_ && !stopped_) {
      virDomainDestroy(dom_.get());
      save_hypervisor_log();
    }
    if (console_log_ >= 0) ::close(console_log_);
  }

  void write_agent(std::string line) override {
    if (agent_) agent_->write(std::move(line));
  }
  void freeze() override { check(virDomainSuspend(dom_.get()), "suspending"); }
  void inject_nmi() override { check(virDomainInjectNMI(dom_.get(), 0), "injecting an NMI into"); }

  void send_sysrq(char key) override {
    unsigned int keys[] = {KEY_LEFTALT, KEY_SYSRQ, static_cast<unsigned int>(letter_keycode(key))};
    check(virDomainSendKey(dom_.get(), VIR_KEYCODE_SET_LINUX, 100, keys, 3, 0), "sending sysrq to");
  }

  void shutdown() override {
    if (stopped_ || destroying_) return;
    destroying_ = true;
    // The stopped event follows; without one (the connection is gone) the VM's end is this failure.
    if (virDomainDestroy(dom_.get()) < 0 && virDomainIsActive(dom_.get()) != 0)
      on_stopped(fmt::format("destroying it failed: {}", libvirt_error()));
  }

  std::string describe() const override { return fmt::format("libvirt domain {} on {}", name_, uri_); }

  void save_snapshot(const std::filesystem::path& image, std::function<void(const std::string&)> done) override {
    done(save_libvirt_domain(conn_, uri_, dom_.get(), {.memory = image, .state = image, .domain = name_}));
  }

  void on_data(bool agent, const std::string& bytes) {
    if (!agent) {
      if (console_log_ >= 0 && ::write(console_log_, bytes.data(), bytes.size()) < 0) {
        ::close(console_log_);
        console_log_ = -1;
        fail("writing console.log failed");
      }
      if (events_.on_console) events_.on_console(bytes);
    } else if (events_.on_agent) {
      events_.on_agent(bytes);
    }
  }

  void on_stopped(const std::string& how) {
    if (stopped_) return;
    stopped_ = true;
    save_hypervisor_log();
    if (events_.on_exit) events_.on_exit(fmt::format("libvirt domain {}: {}", name_, how));
  }

  void fail(const std::string& why) {
    if (events_.on_error) events_.on_error(why);
  }

 private:
  void start(const DomainSpec& spec, const std::optional<SnapshotFiles>& restore) {
    // Paused until both streams and the event are in place: no console byte is lost.
    // Autodestroy: the domain ends with kmatrix's connection, as a QEMU child dies with kmatrix
    // (a restore cannot ask for it: `gc` and `--resume` find a leftover by its tag).
    if (restore)
      dom_ = restore_libvirt_domain(conn_, uri_, *restore, spec.tag);
    else
      dom_.reset(virDomainCreateXML(conn_, domain_xml(spec).c_str(), VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY));
    if (!dom_) fail_start("creating domain " + name_);
    const auto lifecycle = [](virConnectPtr, virDomainPtr, int event, int detail, void* opaque) -> int {
      if (event == VIR_DOMAIN_EVENT_STOPPED)
        (*static_cast<std::shared_ptr<Link>*>(opaque))->post([detail](LibvirtGuest& g) { g.on_stopped(stop_text(detail)); });
      return 0;
    };
    event_id_ = virConnectDomainEventRegisterAny(conn_, dom_.get(), VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                 VIR_DOMAIN_EVENT_CALLBACK(+lifecycle), new std::shared_ptr<Link>(link_),
                                                 [](void* p) { delete static_cast<std::shared_ptr<Link>*>(p); });
    if (event_id_ < 0) fail_start("watching domain " + name_);
    console_ = open_port("serial0", false);
    agent_ = open_port("serial1", true);
    if (virDomainResume(dom_.get()) < 0) fail_start("starting domain " + name_);
    link_->post([](LibvirtGuest& g) {
      if (g.events_.on_running) g.events_.on_running();
    });
  }

  void stop_watching() {
    for (ConsolePort* port : {console_.get(), agent_.get()})
      if (port) {
        virStreamEventRemoveCallback(port->stream.get());
        virStreamAbort(port->stream.get());
      }
    console_.reset();
    agent_.reset();
    if (event_id_ >= 0) virConnectDomainEventDeregisterAny(conn_, event_id_);
    event_id_ = -1;
  }

  [[noreturn]] void fail_start(const std::string& what) {
    throw HostError(fmt::format("libvirt {}: {}: {}", uri_, what, libvirt_error()));
  }

  void check(int rc, const char* what) {
    if (rc < 0) fail(fmt::format("libvirt: {} domain {}: {}", what, name_, libvirt_error()));
  }

  std::shared_ptr<ConsolePort> open_port(const char* device, bool agent) {
    auto port = std::make_shared<ConsolePort>();
    port->link = link_;
    port->agent = agent;
    port->stream.reset(virStreamNew(conn_, VIR_STREAM_NONBLOCK));
    if (!port->stream || virDomainOpenConsole(dom_.get(), device, port->stream.get(), VIR_DOMAIN_CONSOLE_FORCE) < 0)
      fail_start(fmt::format("opening {} of {}", device, name_));
    // The event thread holds the port until libvirt lets go of the callback.
    if (virStreamEventAddCallback(port->stream.get(), ConsolePort::kRead, &ConsolePort::on_event,
                                  new std::shared_ptr<ConsolePort>(port),
                                  [](void* p) { delete static_cast<std::shared_ptr<ConsolePort>*>(p); }) < 0)
      fail_start(fmt::format("watching {} of {}", device, name_));
    return port;
  }

  // The hypervisor's log is where libvirt keeps it on the host; kmatrix can
  // copy it when that host is this machine, and says where it is otherwise.
  std::filesystem::path host_log() const { return std::filesystem::path("/var/log/libvirt/qemu") / (name_ + ".log"); }

  void save_hypervisor_log() {
    std::error_code ec;
    std::string text;
    if (std::filesystem::is_regular_file(host_log(), ec)) {
      text = util::read_file(host_log());
      text.erase(0, std::min<size_t>(log_from_, text.size()));
    } else {
      text = fmt::format("kmatrix: the hypervisor's log of domain {} is on host {} at {}\n", name_, uri_, host_log().string());
    }
    const int fd = ::open((evidence_dir_ / "qemu.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail("opening qemu.log failed");
    if (::write(fd, text.data(), text.size()) < 0) fail("writing qemu.log failed");
    ::close(fd);
  }

  virConnectPtr conn_;
  std::string uri_;
  std::string name_;
  std::filesystem::path evidence_dir_;
  GuestEvents events_;
  std::shared_ptr<Link> link_;
  DomainHandle dom_;
  int event_id_ = -1;
  std::shared_ptr<ConsolePort> console_, agent_;
  int console_log_ = -1;
  uintmax_t log_from_ = 0;  // where this guest's part of the host's log starts
  bool stopped_ = false;
  bool destroying_ = false;
};

void ConsolePort::on_event(virStreamPtr st, int events, void* opaque) {
  ConsolePort& port = **static_cast<std::shared_ptr<ConsolePort>*>(opaque);
  if (events & VIR_STREAM_EVENT_READABLE) {
    std::string data;
    std::array<char, 16384> buf;
    int n;
    while ((n = virStreamRecv(st, buf.data(), buf.size())) > 0) data.append(buf.data(), static_cast<size_t>(n));
    if (!data.empty())
      port.link->post([agent = port.agent, data = std::move(data)](LibvirtGuest& g) { g.on_data(agent, data); });
    // 0 is the end of the stream, -1 an error: the domain's end comes as its lifecycle event.
    if (n != -2) return (void)virStreamEventRemoveCallback(st);
  }
  if (events & VIR_STREAM_EVENT_WRITABLE) {
    std::lock_guard lock(port.mutex);
    while (!port.pending.empty()) {
      const int sent = virStreamSend(st, port.pending.data(), port.pending.size());
      if (sent == -2) break;
      if (sent < 0) {
        port.pending.clear();
        port.link->post([](LibvirtGuest& g) { g.fail("libvirt: writing to the agent channel: " + libvirt_error()); });
        break;
      }
      port.pending.erase(0, static_cast<size_t>(sent));
    }
    if (port.pending.empty()) virStreamEventUpdateCallback(st, kRead);
  }
  if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) virStreamEventRemoveCallback(st);
}

LibvirtBackend::LibvirtBackend(std::string uri, std::string run_id) : uri_(std::move(uri)), run_id_(std::move(run_id)) {
  start_libvirt_event_loop();
  conn_.reset(virConnectOpen(uri_.c_str()));
  if (!conn_) {
    const virError* e = virGetLastError();
    const int code = e ? e->code : VIR_ERR_OK;
    throw HostError(connect_failure_line(
        uri_, libvirt_error(), classify_connect_failure(code, code == VIR_ERR_SYSTEM_ERROR ? e->int1 : 0)));
  }
  if (!run_id_.empty()) claim_ = std::make_unique<util::FileLock>(host_claim_file(uri_), util::FileLock::Mode::shared);
  // A dead remote host is noticed within 15 s, not at the next call.
  virConnectSetKeepAlive(conn_.get(), 5, 3);
  virConnectRegisterCloseCallback(
      conn_.get(),
      [](virConnectPtr, int reason, void* opaque) {
        auto* self = static_cast<LibvirtBackend*>(opaque);
        std::lock_guard lock(self->mutex_);
        for (const auto& weak : self->links_)
          if (const auto link = weak.lock())
            link->post([uri = self->uri_, reason](LibvirtGuest& g) {
              g.fail(fmt::format("libvirt connection to {} closed (reason {})", uri, reason));
            });
      },
      this, nullptr);
}

LibvirtBackend::~LibvirtBackend() {
  virConnectUnregisterCloseCallback(conn_.get(), nullptr);
}

std::string LibvirtBackend::version() {
  unsigned long lib = 0, hv = 0;
  virConnectGetLibVersion(conn_.get(), &lib);
  virConnectGetVersion(conn_.get(), &hv);
  const char* type = virConnectGetType(conn_.get());
  char* hostname = virConnectGetHostname(conn_.get());
  const std::string text = fmt::format("libvirt {}.{}.{}, {} {}.{}.{} on {}", lib / 1000000, lib / 1000 % 1000,
                                       lib % 1000, type ? type : "?", hv / 1000000, hv / 1000 % 1000, hv % 1000,
                                       hostname ? hostname : uri_);
  free(hostname);
  return text;
}

HostCapacity LibvirtBackend::capacity() {
  virNodeInfo info{};
  if (virNodeGetInfo(conn_.get(), &info) < 0)
    throw HostError(fmt::format("libvirt {}: asking the host's CPUs: {}", uri_, libvirt_error()));
  const unsigned long long free_memory = virNodeGetFreeMemory(conn_.get());
  if (free_memory == 0)
    throw HostError(fmt::format("libvirt {}: asking the host's free memory: {}", uri_, libvirt_error()));
  return {.cpus = static_cast<int>(info.cpus), .available_memory = free_memory};
}

bool LibvirtBackend::reachable() { return virConnectIsAlive(conn_.get()) == 1; }

std::string LibvirtBackend::volume_for(const std::filesystem::path& file) {
  std::lock_guard lock(mutex_);
  auto it = volumes_.find(file);
  if (it == volumes_.end()) it = volumes_.emplace(file, upload_volume(conn_.get(), uri_, file)).first;
  return it->second;
}

std::unique_ptr<Guest> LibvirtBackend::launch(asio::io_context& io, const VmConfig& config, GuestEvents events) {
  const DomainTag tag{.run = run_id_,
                      .cell = config.cell_id,
                      .repeat = config.repeat,
                      .pid = ::getpid(),
                      .host = this_machine()};
  const std::string name = config.restore ? config.restore->domain : config.name;
  const DomainSpec spec{.name = name.empty() ? domain_name(tag) : name,
                        .type = config.accel == "kvm" ? "kvm" : "qemu",
                        .memory = config.memory,
                        .cpus = config.cpus,
                        .kernel = volume_for(config.kernel),
                        .initramfs = volume_for(config.initramfs),
                        .cmdline = config.cmdline,
                        .tag = tag};
  auto link = std::make_shared<Link>();
  {
    std::lock_guard lock(mutex_);
    std::erase_if(links_, [](const auto& weak) { return weak.expired(); });
    links_.push_back(link);
  }
  return std::make_unique<LibvirtGuest>(io, conn_.get(), uri_, spec, config.restore, config.evidence_dir,
                                        std::move(events), link);
}

std::vector<LibvirtBackend::TaggedDomain> LibvirtBackend::tagged_domains() {
  virDomainPtr* domains = nullptr;
  const int n = virConnectListAllDomains(conn_.get(), &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
  if (n < 0) throw HostError(fmt::format("libvirt {}: listing domains: {}", uri_, libvirt_error()));
  std::vector<DomainHandle> all;
  for (int i = 0; i < n; ++i) all.emplace_back(domains[i]);
  free(domains);
  std::vector<TaggedDomain> tagged;
  for (const DomainHandle& dom : all) {
    // The whole domain: virDomainGetMetadata drops the element's namespace, which is what marks it kmatrix's.
    char* xml = virDomainGetXMLDesc(dom.get(), 0);
    if (!xml) continue;  // ended meanwhile
    const std::optional<DomainTag> tag = parse_domain_tag(xml);
    if (tag) tagged.push_back({virDomainGetName(dom.get()), *tag, parse_boot_files(xml)});
    free(xml);
  }
  return tagged;
}

void LibvirtBackend::destroy_domain(const std::string& name) {
  const DomainHandle dom(virDomainLookupByName(conn_.get(), name.c_str()));
  if (dom && virDomainDestroy(dom.get()) == 0) return;
  // Gone or ended since it was listed (its run ended it meanwhile): as wanted.
  if (const int code = virGetLastErrorCode(); code == VIR_ERR_NO_DOMAIN || code == VIR_ERR_OPERATION_INVALID) return;
  throw HostError(fmt::format("libvirt {}: destroying {}: {}", uri_, name, libvirt_error()));
}

SnapshotFiles LibvirtBackend::snapshot_files(const std::filesystem::path&, const std::string& key) {
  return libvirt_snapshot_files(key);
}

bool LibvirtBackend::snapshot_complete(const SnapshotFiles& files, uint64_t) {
  return libvirt_snapshot_readable(conn_.get(), uri_, files);
}

std::string LibvirtBackend::snapshot_in_use(const SnapshotFiles& files) {
  return libvirt_snapshot_in_use(conn_.get(), uri_, files);
}

void LibvirtBackend::delete_snapshot(const SnapshotFiles& files) { delete_libvirt_snapshot(conn_.get(), uri_, files); }

std::vector<PoolVolume> LibvirtBackend::pool_volumes() { return vm::pool_volumes(conn_.get(), uri_); }

void LibvirtBackend::delete_volume(const std::string& name) { vm::delete_volume(conn_.get(), uri_, name); }

}  // namespace kmx::vm
