// Boot once, restore per cell, through libvirt (on the second host, whose
// daemon libvirt_hosts.sh starts for these tests alone): the smoke matrix
// restored from a save image on the host gives the outcomes of cold boots,
// every cell restored from the one image, no domain left behind; a damaged
// image falls back to a cold boot and is deleted.
#include <gtest/gtest.h>

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../vm/matrix_run.h"
#include "image/kernel.h"
#include "libvirt_hosts.h"

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
  const json& c = second.cells.at("fits");
  EXPECT_EQ(c.at("outcome"), "completed");
  EXPECT_FALSE(c.at("boot").at("restored").get<bool>());
  const std::string fallback = c.at("boot").at("fallback").get<std::string>();
  EXPECT_NE(fallback.find("did not restore"), std::string::npos) << fallback;
  EXPECT_GT(c.at("timings").at("boot_ms").get<int64_t>(), 0) << "booted cold";
  EXPECT_FALSE(fs::exists(image)) << "the damaged image is deleted from its host";
  EXPECT_FALSE(fs::exists(cache_dir_of(made))) << "and from the cache";
  EXPECT_EQ(kmatrix_domains(host_uris().at(1)), std::vector<std::string>{});
  fs::remove(matrix);
}

}  // namespace
