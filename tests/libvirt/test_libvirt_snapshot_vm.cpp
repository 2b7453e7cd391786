// Boot once, restore per cell, through libvirt (on the second host, whose
// daemon libvirt_hosts.sh starts for these tests alone): the smoke matrix
// restored from a save image on the host gives the outcomes of cold boots,
// every cell restored from the one image, no domain left behind; a damaged
// image falls back to a cold boot and is deleted; a restored domain, which
// libvirt cannot autodestroy, is destroyed by `--resume` after a SIGKILL.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <libvirt/libvirt.h>
#include <nlohmann/json.hpp>

#include "../vm/matrix_run.h"
#include "image/kernel.h"
#include "libvirt_hosts.h"
#include "vm/libvirt_handle.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kmx::vmtest;

namespace {

// One job: libvirt restores a save image as one domain at a time.
std::string host2_args() { return libvirt_args(host_uris().at(1)) + " --jobs 1"; }

// Host 2's /var/lib/libvirt is this directory (libvirt_hosts.sh).
fs::path host2_image(const json& record) {
  return fs::path(KMATRIX_LIBVIRT_STATE) /
         fmt::format("host2/lib/images/kmatrix/kmatrix-snapshot-{}.save", record.at("boot").at("snapshot").get<std::string>());
}

fs::path cache_dir_of(const json& record) {
  return kmx::image::default_cache_dir() / "snapshots" / record.at("boot").at("snapshot").get<std::string>();
}

TEST(LibvirtSnapshot, SmokeRestoredGivesTheOutcomesOfColdBoots) {
  const std::string smoke = KMATRIX_SOURCE_DIR "/matrix/smoke.toml";
  const MatrixRun restored = run_kmatrix(smoke, "libvirt-smoke-restored", host2_args());
  const MatrixRun cold = run_kmatrix(smoke, "libvirt-smoke-cold", host2_args() + " --boot cold");
  ASSERT_EQ(restored.exit_code, 0);
  ASSERT_EQ(cold.exit_code, 0);
  std::string key;
  for (const char* name : {"fits", "exceeds", "exceeds-killer-off"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(restored.cells.contains(name) && cold.cells.contains(name));
    const json& r = restored.cells.at(name);
    const json& c = cold.cells.at(name);
    EXPECT_EQ(r.at("outcome"), r.at("expect"));
    EXPECT_EQ(r.at("outcome"), c.at("outcome"));
    EXPECT_EQ(r.at("flags"), c.at("flags"));
    EXPECT_EQ(r.at("victims").empty(), c.at("victims").empty());
    EXPECT_TRUE(r.at("boot").at("restored").get<bool>()) << r.at("boot").dump();
    EXPECT_FALSE(c.at("boot").at("restored").get<bool>());
    EXPECT_TRUE(c.at("boot").at("fallback").is_null());
    // Every cell of the one guest shape from the one image.
    if (key.empty()) key = r.at("boot").at("snapshot").get<std::string>();
    EXPECT_EQ(r.at("boot").at("snapshot"), key);
    EXPECT_EQ(r.at("agent").at("rejected_lines"), 0) << "the restore tore no agent line";
    EXPECT_GT(r.at("timings").at("restore_ms").get<int64_t>(), 0);
    EXPECT_TRUE(c.at("timings").at("restore_ms").is_null());
    // Not a benchmark: a restored cell starts its workload sooner than a cold one boots.
    EXPECT_LT(r.at("timings").at("overhead_ms").get<int64_t>(), c.at("timings").at("overhead_ms").get<int64_t>());
    const fs::path evidence = restored.dir / r.at("evidence").get<std::string>();
    EXPECT_NE(read_file(evidence / "agent.log").find(" ready "), std::string::npos) << "ready again after the restore";
    EXPECT_NE(read_file(evidence / "boot-console.log").find("Linux version"), std::string::npos);
  }
  // The image stays on its host; the cache holds only what says it is whole.
  const json& fits = restored.cells.at("fits");
  EXPECT_TRUE(fs::exists(host2_image(fits)));
  EXPECT_TRUE(fs::exists(cache_dir_of(fits) / "key.json"));
  EXPECT_FALSE(fs::exists(cache_dir_of(fits) / "memory"));
  EXPECT_EQ(kmatrix_domains(host_uris().at(1)), std::vector<std::string>{});
}

TEST(LibvirtSnapshot, ADamagedSaveImageFallsBackToAColdBoot) {
  const fs::path matrix = private_matrix("libvirt-damaged");
  const MatrixRun first = run_kmatrix(matrix.string(), "libvirt-damaged-1", host2_args());
  ASSERT_EQ(first.exit_code, 0);
  const json& made = first.cells.at("fits");
  ASSERT_TRUE(made.at("boot").at("restored").get<bool>());
  const fs::path image = host2_image(made);
  ASSERT_TRUE(fs::exists(image));
  fs::resize_file(image, fs::file_size(image) / 2);

  const MatrixRun second = run_kmatrix(matrix.string(), "libvirt-damaged-2", host2_args());
  ASSERT_EQ(second.exit_code, 0);
  expect_cold_fallback_record(second.cells.at("fits"));
  EXPECT_FALSE(fs::exists(image)) << "the damaged image is deleted from its host";
  EXPECT_FALSE(fs::exists(cache_dir_of(made))) << "and from the cache";
  EXPECT_EQ(kmatrix_domains(host_uris().at(1)), std::vector<std::string>{});
  fs::remove(matrix);
}

TEST(LibvirtSnapshot, RestoredDomainOfAKilledRunIsDestroyedByResume) {
  const std::string uri = host_uris().at(1);
  const fs::path matrix = private_matrix("libvirt-killed");
  ASSERT_EQ(run_kmatrix(matrix.string(), "libvirt-killed-snapshot", host2_args()).exit_code, 0);
  const fs::path dir = run_dir("libvirt-killed-restored");
  fs::remove_all(dir);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(KMATRIX_BINARY, KMATRIX_BINARY, "run", matrix.c_str(), "--out", dir.c_str(), "--backend", "libvirt",
            "--connect", uri.c_str(), "--jobs", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Killed once its restored domain runs (restored and resumed, not mid-restore).
  const kmx::vm::ConnectHandle conn(virConnectOpen(uri.c_str()));
  ASSERT_TRUE(conn);
  const auto running = [&] {
    for (const std::string& name : kmatrix_domains(uri)) {
      const kmx::vm::DomainHandle dom(virDomainLookupByName(conn.get(), name.c_str()));
      int state = 0, reason = 0;
      if (dom && virDomainGetState(dom.get(), &state, &reason, 0) == 0 && state == VIR_DOMAIN_RUNNING) return name;
    }
    return std::string();
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (running().empty() && std::chrono::steady_clock::now() < deadline && ::waitpid(pid, nullptr, WNOHANG) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string domain = running();
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(domain.starts_with("kmatrix-snapshot-")) << "no restored domain ran: " << domain;
  // No autodestroy for a restored domain: it outlives kmatrix.
  EXPECT_EQ(kmatrix_domains(uri), std::vector<std::string>{domain});
  EXPECT_EQ(kmatrix_status(fmt::format("run --resume '{}'", dir.string()), fmt::format("XDG_DATA_HOME='{}-data'", dir.string())), 0);
  const MatrixRun run = read_run(dir, 0);
  ASSERT_EQ(run.cells.size(), 1u);
  EXPECT_EQ(run.cells.at("fits").at("outcome"), "completed");
  EXPECT_TRUE(run.cells.at("fits").at("boot").at("restored").get<bool>()) << "the leftover no longer holds the image";
  EXPECT_EQ(kmatrix_domains(uri), std::vector<std::string>{});
  // The private shape's snapshot serves no other test.
  fs::remove(host2_image(run.cells.at("fits")));
  fs::remove_all(cache_dir_of(run.cells.at("fits")));
  fs::remove(matrix);
}

}  // namespace
