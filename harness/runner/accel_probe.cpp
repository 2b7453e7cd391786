#include "runner/accel_probe.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fstream>
#include <map>

#include "runner/ready_boot.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace kmx::runner {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kProbeTimeout = 25s;

bool kvm_device_usable() {
  const int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// Boots the kernel with KVM; true when the agent says `ready` in time.
bool probe_kvm(vm::Backend& backend, const PreparedKernel& kernel) {
  char tmpl[] = "/tmp/kmx-probe-XXXXXX";
  if (!::mkdtemp(tmpl)) throw_errno("creating a probe directory");
  const fs::path dir = tmpl;
  const bool ready = boot_until_ready(backend,
                                      {.kernel = kernel.kernel.bzimage,
                                       .initramfs = kernel.initramfs,
                                       .cmdline = "console=ttyS0",
                                       .memory = 256ull << 20,
                                       .cpus = 1,
                                       .accel = "kvm",
                                       .evidence_dir = dir,
                                       .memory_file = {},
                                       .restore = std::nullopt,
                                       .cell_id = "kvm-probe",
                                       .repeat = 0,
                                       .name = {}},
                                      kProbeTimeout, [](vm::Guest&, auto done) { done(""); })
                         .empty();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return ready;
}

// What the answer depends on: this machine's kernel and, for QEMU run
// directly, its QEMU; for a libvirt host, that host (its URI) and its versions.
std::string probe_cache_key(vm::Backend& backend) {
  struct utsname u {};
  ::uname(&u);
  return backend.host().empty() ? fmt::format("{} | {}", u.release, backend.version())
                                : fmt::format("{} | {}", backend.host(), backend.version());
}

std::string host_name(const vm::Backend& backend) { return backend.host().empty() ? "this machine" : backend.host(); }

}  // namespace

std::string decide_accel(const std::string& requested, bool kvm_device_ok, std::optional<bool> kvm_probe_ok) {
  if (requested == "tcg") return "tcg";
  if (requested == "kvm") {
    if (!kvm_device_ok) throw HostError("--accel kvm: /dev/kvm cannot be opened read-write");
    return "kvm";
  }
  return kvm_device_ok && kvm_probe_ok.value_or(false) ? "kvm" : "tcg";
}

std::string choose_accel(const std::string& requested, vm::Backend& backend, const PreparedKernel& kernel,
                         const fs::path& cache_dir) {
  static std::map<std::string, bool> probed;  // by probe_cache_key, once per process
  // A libvirt host's /dev/kvm is not this machine's: there the probe alone decides.
  const bool device_ok = backend.host().empty() ? kvm_device_usable() : true;
  const std::string key = probe_cache_key(backend);
  const auto known = [&]() -> std::optional<bool> {
    if (const auto it = probed.find(key); it != probed.end()) return it->second;
    return std::nullopt;
  };
  if (requested != "auto" || !device_ok || known()) return decide_accel(requested, device_ok, known());

  // One answer per key: {"KEY": true, ...} (kvm-probe.json held the one answer of older kmatrix).
  const fs::path cache = cache_dir / "kvm-probes.json";
  std::ifstream in(cache);
  nlohmann::json cached = nlohmann::json::parse(in, nullptr, false);
  if (!cached.is_object()) cached = nlohmann::json::object();
  if (cached.contains(key) && cached[key].is_boolean()) {
    probed[key] = cached[key].get<bool>();
  } else {
    fmt::print(stderr, "kmatrix: probing whether KVM guests run on {} (up to {} s)\n", host_name(backend),
               kProbeTimeout.count());
    probed[key] = probe_kvm(backend, kernel);
    cached[key] = probed[key];
    fs::create_directories(cache_dir);
    util::write_file_atomically(cache, cached.dump(2) + "\n");
  }
  const std::string accel = decide_accel(requested, device_ok, probed[key]);
  fmt::print(stderr, "kmatrix: accelerator {} on {} (KVM probe: {}; cached in {})\n", accel, host_name(backend),
             probed[key] ? "works" : "guest did not come up", cache.string());
  return accel;
}

}  // namespace kmx::runner
