#include "runner/accel_probe.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fstream>

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

std::string probe_cache_key(vm::Backend& backend) {
  struct utsname u {};
  ::uname(&u);
  return fmt::format("{} | {}", u.release, backend.version());
}

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
  static std::optional<bool> probed;  // once per process
  const bool device_ok = kvm_device_usable();
  if (requested != "auto" || !device_ok || probed) return decide_accel(requested, device_ok, probed);

  const fs::path cache = cache_dir / "kvm-probe.json";
  const std::string key = probe_cache_key(backend);
  std::ifstream in(cache);
  const nlohmann::json cached = nlohmann::json::parse(in, nullptr, false);
  if (!cached.is_discarded() && cached.value("key", "") == key) {
    probed = cached.value("kvm_works", false);
  } else {
    fmt::print(stderr, "kmatrix: /dev/kvm exists; probing whether KVM guests run here (up to {} s)\n",
               kProbeTimeout.count());
    probed = probe_kvm(backend, kernel);
    fs::create_directories(cache_dir);
    util::write_file_atomically(cache, nlohmann::json{{"key", key}, {"kvm_works", *probed}}.dump() + "\n");
  }
  const std::string accel = decide_accel(requested, device_ok, probed);
  fmt::print(stderr, "kmatrix: accelerator {} (KVM probe: {}; cached in {})\n", accel,
             *probed ? "works" : "guest did not come up", cache.string());
  return accel;
}

}  // namespace kmx::runner
