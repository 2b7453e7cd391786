// The VM backend interface: start a guest kernel with two serial streams
// (kernel console, agent channel) and control it. The runner only knows this
// interface; QEMU-direct is one implementation, libvirt (local or remote) the other.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

namespace kmx::vm {

// A guest saved at the agent's `ready`. QEMU: its RAM as one local file,
// which each restored guest maps copy-on-write, and its device state as
// another. libvirt: one save image on the host (RAM and state, `memory` and
// `state` both name its volume in the host's kmatrix pool) and the domain
// name it was saved under.
struct SnapshotFiles {
  std::filesystem::path memory;
  std::filesystem::path state;
  std::string domain;  // libvirt: the saved domain's name, which each restore keeps
};

struct VmConfig {
  std::filesystem::path kernel;     // bzImage
  std::filesystem::path initramfs;  // cpio.gz with the agent as /init
  std::string cmdline;
  uint64_t memory = 512ull << 20;
  int cpus = 1;
  std::string accel = "tcg";          // kvm | tcg
  std::filesystem::path evidence_dir;  // console.log and qemu.log are written here
  // Guest RAM lives in this file (created), so that Guest::save_snapshot can keep it.
  std::filesystem::path memory_file;
  // Start from this snapshot instead of booting; the other fields must be the
  // ones it was saved with (the snapshot key holds them).
  std::optional<SnapshotFiles> restore;
  std::string cell_id;                 // which cell and run of it: names a libvirt domain
  int repeat = 0;
  // libvirt: the domain's name instead of one from cell_id, for a snapshot's
  // boot (SnapshotFiles::domain), whose restores must keep it.
  std::string name;
};

// What the backend's host offers guests: the run's jobs and memory budget.
struct HostCapacity {
  int cpus = 1;
  uint64_t available_memory = 0;  // bytes
};

// Called on the io_context's thread.
struct GuestEvents {
  std::function<void()> on_running;                   // all streams connected, guest CPUs started
  std::function<void(std::string_view)> on_console;   // raw bytes from ttyS0
  std::function<void(std::string_view)> on_agent;     // raw bytes from ttyS1
  std::function<void(const std::string&)> on_exit;    // the VM process ended (description)
  std::function<void(const std::string&)> on_error;   // the backend failed (infra-error)
};

class Guest {
 public:
  virtual ~Guest() = default;
  virtual void write_agent(std::string line) = 0;  // bytes to ttyS1
  virtual void freeze() = 0;                       // stop the vCPUs (QMP stop)
  virtual void send_sysrq(char key) = 0;           // through the emulated keyboard
  virtual void inject_nmi() = 0;
  // Ends the VM (QMP quit, then SIGKILL if it lingers); on_exit follows.
  virtual void shutdown() = 0;
  virtual std::string describe() const = 0;  // e.g. "qemu pid 1234 (tcg)"
  // What the guest holds of the host's memory privately now (process_memory.h);
  // nullopt where the backend cannot tell (a guest on another host).
  virtual std::optional<uint64_t> private_memory() const { return std::nullopt; }
  // Stops the guest and saves its device state to `state` (QEMU: its RAM is
  // already in VmConfig::memory_file; libvirt: the save image takes both);
  // done("") on success, else the reason.
  virtual void save_snapshot(const std::filesystem::path& state, std::function<void(const std::string& error)> done) {
    (void)state;
    done("this backend cannot save snapshots");
  }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual std::string version() = 0;  // of the hypervisor, for run.json
  // Whether launch() honours VmConfig::memory_file and restore, and
  // Guest::save_snapshot works. A backend without them boots every cell cold.
  virtual bool snapshots() const { return false; }
  // Whether a restored guest maps the snapshot's RAM copy-on-write, taking
  // host memory only for the pages it writes (the memory budget counts it so).
  virtual bool restores_copy_on_write() const { return false; }
  // What, beyond the VmConfig, shapes a saved guest so that another build
  // could not restore it (binary, version, machine type): part of the snapshot key.
  virtual std::string snapshot_identity() { return name() + " " + version(); }
  // Where the snapshot `key` is kept, `dir` being its directory in the cache
  // (or that directory's staging twin while it is made).
  virtual SnapshotFiles snapshot_files(const std::filesystem::path& dir, const std::string& key) {
    (void)key;
    return {.memory = dir / "memory", .state = dir / "state", .domain = ""};
  }
  // The cheap check that a snapshot made for guests of `memory` bytes is
  // whole (a state cut short or from another hypervisor fails at restore):
  // here both files there, the RAM file of the guest's size (QEMU would
  // extend a short one, writing into the snapshot).
  virtual bool snapshot_complete(const SnapshotFiles& files, uint64_t memory) {
    std::error_code ec;
    return std::filesystem::file_size(files.memory, ec) == memory && !ec &&
           std::filesystem::file_size(files.state, ec) > 0 && !ec;
  }
  // Deletes what of a snapshot lives outside its cache directory.
  virtual void delete_snapshot(const SnapshotFiles& files) { (void)files; }
  // Whether several guests may be restored from one snapshot at once.
  virtual bool concurrent_restores() const { return true; }
  // Where one guest at a time: why none can be restored from `files` now
  // (their one guest runs, e.g. another run's), else "".
  virtual std::string snapshot_in_use(const SnapshotFiles& files) {
    (void)files;
    return "";
  }
  virtual HostCapacity capacity() = 0;
  // Where the guests run, for the cell record: empty for this machine.
  virtual std::string host() const = 0;
  // False once the host is lost (libvirt: its connection closed); the run's other hosts take its cells.
  virtual bool reachable() { return true; }
  virtual std::unique_ptr<Guest> launch(boost::asio::io_context& io, const VmConfig& config,
                                        GuestEvents events) = 0;
};

}  // namespace kmx::vm
