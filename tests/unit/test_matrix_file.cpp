#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bad_matrix.h"
#include "matrix/cell.h"
#include "matrix/matrix_file.h"
#include "util/error.h"
#include "util/sha256.h"

namespace fs = std::filesystem;

namespace kmx::matrix {
namespace {

const fs::path kData = KMATRIX_TEST_DATA;
const fs::path kMatrices = kData / ".." / ".." / "matrix";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Matrix files written into a fresh directory per test, removed afterwards.
class MatrixFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("kmx-matrix-{}-{}", ::testing::UnitTest::GetInstance()->current_test_info()->name(), ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& text, const std::string& name = "m.toml") {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  Matrix load(const std::string& text) { return load_matrix(write(text)); }
  std::vector<std::string> ids(const std::string& text) {
    std::vector<std::string> out;
    for (const Cell& c : load(text).cells) out.push_back(cell_id(c));
    return out;
  }
  std::vector<std::string> names(const std::string& text) {
    std::vector<std::string> out;
    for (const Cell& c : load(text).cells) out.push_back(c.name);
    return out;
  }
  // The UsageError message for a matrix that must not load.
  std::string error(const std::string& text) {
    try {
      load(text);
    } catch (const UsageError& e) {
      return e.what();
    }
    ADD_FAILURE() << "loaded without error:\n" << text;
    return "";
  }

  fs::path dir_;
};

// --- the matrix files of the tree ---------------------------------------

TEST_F(MatrixFile, SmokeMatrix) {
  const fs::path path = kMatrices / "smoke.toml";
  const Matrix m = load_matrix(path);
  EXPECT_EQ(m.file, path);
  // The file's bytes, then those of the file it extends.
  EXPECT_EQ(m.sha256, util::sha256_hex(read_bytes(path) + read_bytes(path.parent_path() / "common.toml")));
  EXPECT_TRUE(m.warnings.empty());
  ASSERT_EQ(m.cells.size(), 3u);

  const Cell& fits = m.cells[0];
  EXPECT_EQ(fits.name, "fits");
  EXPECT_EQ(fits.expect, "completed");
  EXPECT_EQ(fits.run.kernel, "debian:bookworm");
  EXPECT_EQ(fits.run.guest_memory, 512u << 20);
  EXPECT_EQ(fits.run.cpus, 2);
  EXPECT_EQ(fits.run.boot_timeout_ms, 180'000u);
  EXPECT_EQ(fits.run.heartbeat_timeout_ms, 15'000u);
  EXPECT_EQ(fits.run.workload_timeout_ms, 60'000u);
  EXPECT_EQ(fits.container.cgroup, "v1");
  EXPECT_EQ(fits.container.limit, 96u << 20);
  EXPECT_EQ(fits.container.memsw_limit, 128u << 20);
  EXPECT_TRUE(fits.container.pid_namespace);
  EXPECT_FALSE(fits.container.oom_kill_disable);
  EXPECT_EQ(fits.workload.uid, 1000);
  EXPECT_EQ(fits.workload.hold_ms, 3'000u);
  EXPECT_EQ(fits.workload.procs, 8);
  EXPECT_EQ(fits.workload.size, 4u << 20);
  EXPECT_EQ(fits.guest.swap, 64u << 20);

  EXPECT_EQ(m.cells[1].name, "exceeds");
  EXPECT_EQ(m.cells[1].expect, "oom-killed");
  EXPECT_EQ(m.cells[1].workload.procs, 40);
  EXPECT_EQ(m.cells[1].workload.size, 8u << 20);
  EXPECT_FALSE(m.cells[1].container.oom_kill_disable);

  EXPECT_EQ(fits.run.backend, "qemu");
  EXPECT_EQ(fits.run.repeat, 1);
  EXPECT_EQ(fits.workload.fork_pacing_ms, 0u);
  EXPECT_EQ(m.cells[2].name, "exceeds-killer-off");
  EXPECT_EQ(m.cells[2].expect, "container-hang");
  EXPECT_TRUE(m.cells[2].container.oom_kill_disable);
  EXPECT_EQ(m.cells[2].workload.procs, 40);
}

TEST_F(MatrixFile, FaultsMatrix) {
  const Matrix m = load_matrix(kData / "vm" / "faults.toml");
  ASSERT_EQ(m.cells.size(), 3u);

  const Cell& frozen = m.cells[0];
  EXPECT_EQ(frozen.name, "frozen");
  EXPECT_EQ(frozen.expect, "guest-hang");
  EXPECT_EQ(frozen.run.guest_memory, 256u << 20);
  EXPECT_EQ(frozen.run.heartbeat_timeout_ms, 10'000u);
  EXPECT_EQ(frozen.run.workload_timeout_ms, 90'000u);
  EXPECT_EQ(frozen.workload.hold_ms, 60'000u);
  EXPECT_EQ(frozen.fault.freeze_vm_after_ms, 3'000u);
  EXPECT_TRUE(frozen.guest.sysctl.empty());

  const Cell& panic = m.cells[1];
  EXPECT_EQ(panic.name, "global-oom-panic");
  EXPECT_EQ(panic.expect, "panic");
  EXPECT_EQ(panic.container.limit, 256u << 20);
  EXPECT_EQ(panic.container.memsw_limit, 0u);
  EXPECT_EQ(panic.workload.procs, 24);
  EXPECT_EQ(panic.workload.size, 16u << 20);
  EXPECT_EQ(panic.fault.freeze_vm_after_ms, 0u);
  EXPECT_EQ(panic.guest.sysctl, (std::map<std::string, std::string>{{"vm.panic_on_oom", "1"}}));

  const Cell& parent_killed = m.cells[2];
  EXPECT_EQ(parent_killed.fault.kill_workload_parent_after_ms, 2'000u);
  EXPECT_EQ(parent_killed.workload.hold_ms, 20'000u);
  // A parameter added later is in the cell's identity only where it is set.
  EXPECT_EQ(matrix::parameters_json(parent_killed)["fault"]["kill_workload_parent_after_ms"], 2000);
  EXPECT_FALSE(matrix::parameters_json(panic)["fault"].contains("kill_workload_parent_after_ms"));
}

// The post's rows, scaled: the share of each process in the limit is the post's.
TEST_F(MatrixFile, SeedMatrix) {
  const Matrix m = load_matrix(kMatrices / "seed.toml");
  ASSERT_EQ(m.cells.size(), 3u);
  EXPECT_EQ(m.cells[0].name, "nonroot-1280x256K");
  EXPECT_EQ(m.cells[1].name, "nonroot-80x4M");
  EXPECT_EQ(m.cells[2].name, "root-80x4M");
  for (const Cell& c : m.cells) {
    EXPECT_EQ(c.container.limit, 256u << 20);
    EXPECT_GT(c.guest.swap, 0u);
    // Memory+swap is the post's 10 GiB to 8 GiB.
    EXPECT_EQ(c.container.memsw_limit * 8, c.container.limit * 10);
    // Every row asks for the limit plus all the swap.
    EXPECT_EQ(c.workload.procs * c.workload.size, c.container.memsw_limit);
  }
  EXPECT_LT(m.cells[0].workload.size * 1000, m.cells[0].container.limit);  // < 1/1000
  EXPECT_EQ(m.cells[0].workload.size * 1024, m.cells[0].container.limit);  // the post's 8M / 8G
  EXPECT_GT(m.cells[1].workload.size * 1000, m.cells[1].container.limit);  // > 1/1000
  EXPECT_LT(m.cells[1].workload.size * 100, m.cells[1].container.limit * 3);  // < 3%
  EXPECT_EQ(m.cells[1].workload.uid, 1000);
  EXPECT_EQ(m.cells[2].workload.uid, 0);
  for (const Cell& c : m.cells) EXPECT_EQ(c.expect, "oom-killed");  // measured on 6.1
}

// The first example of docs/matrix.md loads and makes the cells it says.
TEST_F(MatrixFile, DocsExample) {
  const std::string doc = read_bytes(kMatrices / ".." / "docs" / "matrix.md");
  const std::size_t begin = doc.find("```toml\n") + 8;
  std::vector<std::string> got;
  for (const Cell& c : load_matrix(write(doc.substr(begin, doc.find("```", begin) - begin))).cells)
    got.push_back(c.name);
  EXPECT_EQ(got, (std::vector<std::string>{"fits-cgroup=v1", "fits-cgroup=v2",
                                           "nonroot-40x8M-oom_kill_disable=true-cgroup=v1"}));
}

TEST_F(MatrixFile, NightlyMatrix) {
  const Matrix m = load_matrix(kMatrices / "nightly.toml");
  EXPECT_EQ(m.cells.size(), 48u);
  EXPECT_TRUE(m.warnings.empty());
  std::set<std::string> kernels, cgroups;
  for (const Cell& c : m.cells) {
    kernels.insert(c.run.kernel);
    cgroups.insert(c.container.cgroup);
    // The [[include]] gives memsw only to the cells with swap.
    EXPECT_EQ(c.container.memsw_limit, c.guest.swap == 0 ? 0u : 320u << 20) << c.name;
    // The [[exclude]] leaves the killer off on v1 only.
    EXPECT_FALSE(c.container.oom_kill_disable && c.container.cgroup == "v2") << c.name;
    // 6.12 has no cgroup v1 memory controller.
    EXPECT_FALSE(c.run.kernel == "debian:trixie" && c.container.cgroup == "v1") << c.name;
  }
  EXPECT_EQ(kernels, (std::set<std::string>{"debian:bullseye", "debian:bookworm", "debian:trixie"}));
  EXPECT_EQ(cgroups, (std::set<std::string>{"v1", "v2"}));
  EXPECT_EQ(m.cells[0].name, "k5.10-nonroot-1280x256K-swap0-cgroup=v1");
  EXPECT_EQ(m.cells[1].name, "k5.10-nonroot-1280x256K-swap0-cgroup=v2");
  EXPECT_EQ(m.cells[2].name, "k5.10-nonroot-1280x256K-swap64M-cgroup=v1-memsw_limit320M");
}

// Every seed row is a nightly cell (6.1, swap on, cgroup v1): same cell, same
// ID, so a nightly run answers for the seed rows too.
TEST_F(MatrixFile, SeedCellsAreNightlyCells) {
  std::map<std::string, std::string> nightly;
  for (const Cell& c : load_matrix(kMatrices / "nightly.toml").cells) nightly[cell_id(c)] = c.name;
  const std::vector<std::string> expected = {"k6.1-nonroot-1280x256K-swap64M-cgroup=v1-memsw_limit320M",
                                             "k6.1-nonroot-80x4M-swap64M-cgroup=v1-memsw_limit320M",
                                             "k6.1-root-80x4M-swap64M-cgroup=v1-memsw_limit320M"};
  const auto seed = load_matrix(kMatrices / "seed.toml").cells;
  ASSERT_EQ(seed.size(), expected.size());
  for (std::size_t i = 0; i < seed.size(); ++i) EXPECT_EQ(nightly[cell_id(seed[i])], expected[i]) << seed[i].name;
}

// The shared defaults are the smoke cells' own: their IDs are pinned, so a
// change to common.toml that would rename recorded cells shows here.
TEST_F(MatrixFile, SmokeIdsArePinned) {
  std::vector<std::string> got;
  for (const Cell& c : load_matrix(kMatrices / "smoke.toml").cells) got.push_back(cell_id(c));
  EXPECT_EQ(got, (std::vector<std::string>{"d6aebe495ae4e19d", "866901fd49e29163", "e6c7bca901d8e0c6"}));
}

// --- cell IDs -----------------------------------------------------------

TEST(CellId, SixteenLowercaseHexDigits) {
  EXPECT_TRUE(std::regex_match(cell_id(Cell{}), std::regex("[0-9a-f]{16}")));
}

// Pinned: a change here renames every recorded cell, so it must be deliberate.
TEST(CellId, DefaultCellIsPinned) {
  EXPECT_EQ(parameters_json(Cell{}).dump(),
            R"({"container":{"cgroup":"v1","limit":134217728,"memsw_limit":0,"oom_kill_disable":false,)"
            R"("pid_namespace":true},"fault":{"freeze_vm_after_ms":0},"guest":{"cmdline":"","swap":0,"sysctl":{}},)"
            R"("run":{"boot_timeout_ms":180000,"cpus":2,"guest_memory":536870912,"heartbeat_timeout_ms":15000,)"
            R"("kernel":"debian:bookworm","modules_dir":"","workload_timeout_ms":120000},)"
            R"("workload":{"hold_ms":2000,"procs":8,"size":4194304,"uid":1000}})");
  EXPECT_EQ(cell_id(Cell{}), util::sha256_hex(parameters_json(Cell{}).dump()).substr(0, 16));
}

TEST(CellId, HowItRunsNameAndExpectDoNotChangeIt) {
  Cell a;
  Cell b;
  b.run.accel = "kvm";
  b.run.boot = "cold";
  b.run.backend = "libvirt";
  b.run.repeat = 5;
  b.name = "other";
  b.expect = "panic";
  EXPECT_EQ(cell_id(a), cell_id(b));
  EXPECT_FALSE(parameters_json(a)["run"].contains("accel"));
  EXPECT_FALSE(parameters_json(a)["run"].contains("boot"));
  EXPECT_FALSE(parameters_json(a)["run"].contains("backend"));
  EXPECT_FALSE(parameters_json(a)["run"].contains("repeat"));
}

// memsw_limit 0 and memsw_limit = limit both mean "no swap use": one ID.
TEST(CellId, MemswEqualToLimitIsNoMemsw) {
  Cell zero;
  Cell equal;
  equal.container.memsw_limit = equal.container.limit;
  EXPECT_EQ(cell_id(zero), cell_id(equal));
  Cell above = equal;
  above.container.memsw_limit += 4096;
  EXPECT_NE(cell_id(zero), cell_id(above));
}

// Added after the first release: absent when unset, so old IDs stay.
TEST(CellId, ForkPacingOnlyWhenSet) {
  Cell c;
  EXPECT_FALSE(parameters_json(c)["workload"].contains("fork_pacing_ms"));
  c.workload.fork_pacing_ms = 10;
  EXPECT_EQ(parameters_json(c)["workload"]["fork_pacing_ms"], 10);
}

TEST(CellId, EveryParameterChangesIt) {
  const std::vector<std::function<void(Cell&)>> changes = {
      [](Cell& c) { c.run.kernel = "debian:trixie"; },
      [](Cell& c) { c.run.modules_dir = "/lib/modules/6.1.0"; },
      [](Cell& c) { c.run.guest_memory = 1ull << 30; },
      [](Cell& c) { c.run.cpus = 4; },
      [](Cell& c) { c.run.boot_timeout_ms = 60'000; },
      [](Cell& c) { c.run.heartbeat_timeout_ms = 5'000; },
      [](Cell& c) { c.run.workload_timeout_ms = 60'000; },
      [](Cell& c) { c.container.cgroup = "v2"; },
      [](Cell& c) { c.container.limit = 64ull << 20; },
      [](Cell& c) { c.container.memsw_limit = 256ull << 20; },
      [](Cell& c) { c.container.oom_kill_disable = true; },
      [](Cell& c) { c.container.pid_namespace = false; },
      [](Cell& c) { c.workload.procs = 40; },
      [](Cell& c) { c.workload.size = 8ull << 20; },
      [](Cell& c) { c.workload.hold_ms = 3'000; },
      [](Cell& c) { c.workload.uid = 0; },
      [](Cell& c) { c.workload.fork_pacing_ms = 10; },
      [](Cell& c) { c.guest.swap = 64ull << 20; },
      [](Cell& c) { c.guest.sysctl["vm.panic_on_oom"] = "1"; },
      [](Cell& c) { c.guest.sysctl["vm.panic_on_oom"] = "2"; },
      [](Cell& c) { c.guest.cmdline = "quiet"; },
      [](Cell& c) { c.fault.freeze_vm_after_ms = 3'000; },
  };
  std::set<std::string> seen = {cell_id(Cell{})};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Cell c;
    changes[i](c);
    EXPECT_TRUE(seen.insert(cell_id(c)).second) << "change #" << i << " did not change the ID";
  }
}

TEST_F(MatrixFile, IdDoesNotDependOnUnits) {
  const auto id = [&](const std::string& size, const std::string& hold, const std::string& limit) {
    return ids(fmt::format("[[cell]]\n[cell.workload]\nsize = {}\nhold = {}\n[cell.container]\nlimit = {}\n", size,
                           hold, limit))
        .at(0);
  };
  const std::string reference = id(R"("8M")", R"("2m")", R"("128M")");
  EXPECT_EQ(id("8388608", R"("120s")", R"("131072K")"), reference);
  EXPECT_EQ(id(R"("8MiB")", R"("120000ms")", "134217728"), reference);
  EXPECT_EQ(id(R"("8192k")", R"("2m")", R"("128mb")"), reference);
}

TEST_F(MatrixFile, IdDoesNotDependOnKeyOrderOrPlace) {
  const std::string a = ids(R"(
[[cell]]
[cell.workload]
procs = 40
size = "8M"
[cell.container]
limit = "96M"
cgroup = "v2"
[cell.guest.sysctl]
"vm.panic_on_oom" = 1
"vm.overcommit_memory" = 2
)").at(0);
  const std::string b = ids(R"(
[[cell]]
[cell.container]
cgroup = "v2"
limit = "96M"
[cell.guest.sysctl]
"vm.overcommit_memory" = "2"
"vm.panic_on_oom" = "1"
[cell.workload]
size = "8M"
procs = 40
)").at(0);
  const std::string c = ids(R"(
[guest.sysctl]
"vm.overcommit_memory" = 2
[container]
cgroup = "v2"
[workload]
size = 8388608

[[cell]]
name = "named"
[cell.container]
limit = "96M"
[cell.workload]
procs = 40
[cell.guest.sysctl]
"vm.panic_on_oom" = 1
)").at(0);
  const std::string d = ids(R"(
[workload]
procs = 40
size = "8M"
[container]
limit = "96M"
cgroup = "v2"
[guest.sysctl]
"vm.panic_on_oom" = 1
"vm.overcommit_memory" = 2

[axes]
kernel = ["debian:bookworm"]
)").at(0);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(a, d);
}

TEST_F(MatrixFile, AccelDoesNotChangeTheId) {
  const auto cells = load("[[cell]]\nname = \"plain\"\n").cells;
  const auto kvm = load("[run]\naccel = \"kvm\"\n[[cell]]\nname = \"plain\"\n").cells;
  EXPECT_EQ(kvm.at(0).run.accel, "kvm");
  EXPECT_EQ(cell_id(cells.at(0)), cell_id(kvm.at(0)));
}

TEST_F(MatrixFile, BootIsSnapshotUnlessTheMatrixSaysCold) {
  EXPECT_EQ(load("[[cell]]\nname = \"plain\"\n").cells.at(0).run.boot, "snapshot");
  EXPECT_EQ(load("[run]\nboot = \"cold\"\n[[cell]]\nname = \"plain\"\n").cells.at(0).run.boot, "cold");
}

TEST_F(MatrixFile, FileHashIsOfTheBytes) {
  const std::string text = "[[cell]]\nname = \"a\"\n";
  EXPECT_EQ(load(text).sha256, util::sha256_hex(text));
}

// --- values -----------------------------------------------------------------

TEST_F(MatrixFile, DefaultsFromCellH) {
  const Cell c = load("[[cell]]\n").cells.at(0);
  const Cell d;
  EXPECT_EQ(cell_id(c), cell_id(d));
  EXPECT_EQ(c.run.kernel, "debian:bookworm");
  EXPECT_EQ(c.run.accel, "auto");
  EXPECT_EQ(c.expect, "");
}

TEST_F(MatrixFile, EveryKey) {
  const Cell c = load(R"(
[run]
kernel = "/boot/vmlinuz-6.1"
modules = "/lib/modules/6.1.0"
accel = "tcg"
guest_memory = "1G"
cpus = 4
boot_timeout = "3m"
heartbeat_timeout = "20s"
workload_timeout = "1h"
[container]
cgroup = "v2"
limit = "256M"
memsw_limit = "512M"
oom_kill_disable = false  # true is for cgroup v1 only
pid_namespace = false
[workload]
procs = 16
size = "32M"
hold = "1500ms"
user = 4242
[guest]
swap = "128M"
cmdline = "loglevel=7"
[guest.sysctl]
"vm.panic_on_oom" = true
"vm.overcommit_memory" = 2
"kernel.core_pattern" = "|/bin/false"
[fault]
freeze_vm_after = "5s"

[[cell]]
name = "all"
expect = "boot-failure"
)").cells.at(0);
  EXPECT_EQ(c.name, "all");
  EXPECT_EQ(c.expect, "boot-failure");
  EXPECT_EQ(c.run.kernel, "/boot/vmlinuz-6.1");
  EXPECT_EQ(c.run.modules_dir, "/lib/modules/6.1.0");
  EXPECT_EQ(c.run.accel, "tcg");
  EXPECT_EQ(c.run.guest_memory, 1ull << 30);
  EXPECT_EQ(c.run.cpus, 4);
  EXPECT_EQ(c.run.boot_timeout_ms, 180'000u);
  EXPECT_EQ(c.run.heartbeat_timeout_ms, 20'000u);
  EXPECT_EQ(c.run.workload_timeout_ms, 3'600'000u);
  EXPECT_EQ(c.container.cgroup, "v2");
  EXPECT_EQ(c.container.limit, 256u << 20);
  EXPECT_EQ(c.container.memsw_limit, 512u << 20);
  EXPECT_FALSE(c.container.oom_kill_disable);
  EXPECT_FALSE(c.container.pid_namespace);
  EXPECT_EQ(c.workload.procs, 16);
  EXPECT_EQ(c.workload.size, 32u << 20);
  EXPECT_EQ(c.workload.hold_ms, 1'500u);
  EXPECT_EQ(c.workload.uid, 4242);
  EXPECT_EQ(c.guest.swap, 128u << 20);
  EXPECT_EQ(c.guest.cmdline, "loglevel=7");
  EXPECT_EQ(c.guest.sysctl, (std::map<std::string, std::string>{{"kernel.core_pattern", "|/bin/false"},
                                                                {"vm.overcommit_memory", "2"},
                                                                {"vm.panic_on_oom", "1"}}));
  EXPECT_EQ(c.fault.freeze_vm_after_ms, 5'000u);
}

// Names as sysctl -a prints them, with '-' and digits (bad/sysctl_* are refused).
TEST_F(MatrixFile, SysctlNamesAsSysctlPrintsThem) {
  const Cell c = load(R"(
[[cell]]
[cell.guest.sysctl]
"net.ipv4.conf.br-lan.rp_filter" = 2
"net.ipv6.conf.eth0.hop_limit" = 64
)").cells.at(0);
  EXPECT_EQ(c.guest.sysctl, (std::map<std::string, std::string>{{"net.ipv4.conf.br-lan.rp_filter", "2"},
                                                                {"net.ipv6.conf.eth0.hop_limit", "64"}}));
}

TEST_F(MatrixFile, UserNames) {
  const auto cells = load(R"(
[[cell]]
[cell.workload]
user = "root"
[[cell]]
[cell.workload]
user = "nonroot"
[[cell]]
[cell.workload]
user = 0
procs = 2
)").cells;
  EXPECT_EQ(cells.at(0).workload.uid, 0);
  EXPECT_EQ(cells.at(1).workload.uid, 1000);
  EXPECT_EQ(cells.at(2).workload.uid, 0);
}

TEST_F(MatrixFile, CellOverridesDefaultsAndMergesSysctls) {
  const auto cells = load(R"(
[workload]
procs = 8
[guest.sysctl]
"vm.panic_on_oom" = 0
"vm.overcommit_memory" = 1

[[cell]]
name = "plain"

[[cell]]
name = "override"
[cell.workload]
procs = 40
[cell.guest.sysctl]
"vm.panic_on_oom" = 2
"vm.swappiness" = 100
)").cells;
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].workload.procs, 8);
  EXPECT_EQ(cells[0].guest.sysctl,
            (std::map<std::string, std::string>{{"vm.overcommit_memory", "1"}, {"vm.panic_on_oom", "0"}}));
  EXPECT_EQ(cells[1].workload.procs, 40);
  EXPECT_EQ(cells[1].guest.sysctl,
            (std::map<std::string, std::string>{
                {"vm.overcommit_memory", "1"}, {"vm.panic_on_oom", "2"}, {"vm.swappiness", "100"}}));
}

TEST_F(MatrixFile, LimitEqualToGuestMemoryAndZeroesAreAllowed) {
  const Cell c = load(R"(
[run]
guest_memory = "256M"
[container]
limit = "256M"
memsw_limit = "256M"
[workload]
hold = "0s"
[guest]
swap = 0
[fault]
freeze_vm_after = "0s"
[[cell]]
)").cells.at(0);
  EXPECT_EQ(c.container.limit, c.run.guest_memory);
  EXPECT_EQ(c.workload.hold_ms, 0u);
}

// --- names ----------------------------------------------------------------

TEST_F(MatrixFile, DefaultNames) {
  EXPECT_EQ(names(R"(
[workload]
user = "nonroot"

[[cell]]
[cell.workload]
procs = 40
size = "8M"

[[cell]]
[cell.workload]
procs = 40
size = "8M"
user = "root"
[cell.container]
oom_kill_disable = true
pid_namespace = false
limit = "64M"
[cell.guest.sysctl]
"vm.panic_on_oom" = 1

[[cell]]
[cell.workload]
user = 4242
hold = "90s"
)"),
            (std::vector<std::string>{"nonroot-40x8M",
                                      "root-40x8M-oom_kill_disable=true-pid_namespace=false-limit64M-vm.panic_on_oom=1",
                                      "uid4242-8x4M-hold90s"}));
}

// --- axes -----------------------------------------------------------------

TEST_F(MatrixFile, AxesMultiplyEachCell) {
  const Matrix m = load(R"(
[[cell]]
name = "fits"
expect = "completed"

[[cell]]
name = "tight"
[cell.container]
limit = "32M"

[axes]
"workload.procs" = [8, 40]
"container.cgroup" = ["v1", "v2"]
"workload.size" = ["4M", 16777216, "64M"]
)");
  ASSERT_EQ(m.cells.size(), 2u * 2 * 2 * 3);
  // The first axis varies slowest, in the order of the file.
  EXPECT_EQ(m.cells[0].name, "fits-procs8-cgroup=v1-size4M");
  EXPECT_EQ(m.cells[1].name, "fits-procs8-cgroup=v1-size16M");
  EXPECT_EQ(m.cells[2].name, "fits-procs8-cgroup=v1-size64M");
  EXPECT_EQ(m.cells[3].name, "fits-procs8-cgroup=v2-size4M");
  EXPECT_EQ(m.cells[11].name, "fits-procs40-cgroup=v2-size64M");
  EXPECT_EQ(m.cells[12].name, "tight-procs8-cgroup=v1-size4M");
  EXPECT_EQ(m.cells[11].workload.procs, 40);
  EXPECT_EQ(m.cells[11].container.cgroup, "v2");
  EXPECT_EQ(m.cells[11].workload.size, 64u << 20);
  EXPECT_EQ(m.cells[11].expect, "completed");
  EXPECT_EQ(m.cells[12].container.limit, 32u << 20);
  std::set<std::string> distinct;
  for (const Cell& c : m.cells) distinct.insert(cell_id(c));
  EXPECT_EQ(distinct.size(), m.cells.size());
}

TEST_F(MatrixFile, AxesOverTheDefaultsWithoutCells) {
  EXPECT_EQ(names(R"(
[workload]
user = "root"
[axes]
"workload.procs" = [8, 40]
kernel = ["debian:bookworm", "debian:trixie"]
)"),
            (std::vector<std::string>{"k6.1-root-8x4M", "k6.12-root-8x4M", "k6.1-root-40x4M", "k6.12-root-40x4M"}));
}

TEST_F(MatrixFile, AxesOverrideTheCellAndReachSysctls) {
  const auto cells = load(R"(
[[cell]]
name = "oom"
[cell.workload]
procs = 99
[cell.guest.sysctl]
"vm.panic_on_oom" = 0
"vm.swappiness" = 60

[axes]
"workload.procs" = [1]
"guest.sysctl.vm.panic_on_oom" = [0, 1, 2]
)").cells;
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[2].name, "oom-procs1-vm.panic_on_oom=2");
  EXPECT_EQ(cells[2].workload.procs, 1);
  EXPECT_EQ(cells[2].guest.sysctl,
            (std::map<std::string, std::string>{{"vm.panic_on_oom", "2"}, {"vm.swappiness", "60"}}));
}

// --- kernels in names -----------------------------------------------------

TEST_F(MatrixFile, KernelPrefixOnlyWithSeveralKernels) {
  // One kernel, even set by the cell itself: not in the name.
  EXPECT_EQ(names("[[cell]]\n[cell.run]\nkernel = \"debian:trixie\"\n"), (std::vector<std::string>{"nonroot-8x4M"}));
  EXPECT_EQ(names(R"(
[[cell]]
name = "fits"
[[cell]]
[cell.run]
kernel = "/boot/vmlinuz-6.1.0-13-amd64"
[[cell]]
[cell.run]
kernel = "debian:forky"
)"),
            (std::vector<std::string>{"k6.1-fits", "k6.1.0-nonroot-8x4M", "kforky-nonroot-8x4M"}));
  // Two kernels of one short form keep their specs.
  EXPECT_EQ(names(R"(
[axes]
kernel = ["/a/vmlinuz-6.1.0", "/b/vmlinuz-6.1.0"]
)"),
            (std::vector<std::string>{"k/a/vmlinuz-6.1.0-nonroot-8x4M", "k/b/vmlinuz-6.1.0-nonroot-8x4M"}));
}

// --- new keys ---------------------------------------------------------------

TEST_F(MatrixFile, BackendRepeatAndForkPacing) {
  const Cell c = load(R"(
[run]
backend = "qemu"
repeat = 3
[workload]
fork_pacing = "20ms"
[[cell]]
)").cells.at(0);
  EXPECT_EQ(c.run.backend, "qemu");
  EXPECT_EQ(c.run.repeat, 3);
  EXPECT_EQ(c.workload.fork_pacing_ms, 20u);
  // repeat is how often, not what: the same cell.
  EXPECT_EQ(ids("[run]\nrepeat = 3\n[[cell]]\n"), ids("[[cell]]\n"));
  EXPECT_NE(ids("[workload]\nfork_pacing = \"20ms\"\n[[cell]]\n"), ids("[[cell]]\n"));
}

// run.connect: one URI or a list, how the cells run, not what they are.
TEST_F(MatrixFile, ConnectIsAUriOrAListAndNotPartOfTheId) {
  EXPECT_EQ(load("[run]\nbackend = \"libvirt\"\nconnect = \"qemu+ssh://u@h/system\"\n[[cell]]\n").cells.at(0).run.connect,
            (std::vector<std::string>{"qemu+ssh://u@h/system"}));
  const Cell two = load(R"(
[run]
backend = "libvirt"
connect = ["qemu:///system", "qemu+unix:///system?socket=/s/libvirt-sock"]
[[cell]]
)").cells.at(0);
  EXPECT_EQ(two.run.connect, (std::vector<std::string>{"qemu:///system", "qemu+unix:///system?socket=/s/libvirt-sock"}));
  EXPECT_TRUE(load("[run]\nbackend = \"libvirt\"\n[[cell]]\n").cells.at(0).run.connect.empty());
  EXPECT_EQ(ids("[run]\nbackend = \"libvirt\"\nconnect = \"qemu:///session\"\n[[cell]]\n"), ids("[[cell]]\n"));
  // A cell's own table may name its host, with its backend.
  EXPECT_EQ(load("[[cell]]\n[cell.run]\nbackend = \"libvirt\"\nconnect = \"qemu:///session\"\n").cells.at(0).run.connect,
            (std::vector<std::string>{"qemu:///session"}));
}

TEST_F(MatrixFile, MemswEqualToLimitLoadsAsZero) {
  const std::string equal = "[container]\nlimit = \"96M\"\nmemsw_limit = \"96M\"\n[[cell]]\n";
  EXPECT_EQ(load(equal).cells.at(0).container.memsw_limit, 0u);
  EXPECT_EQ(ids(equal), ids("[container]\nlimit = \"96M\"\n[[cell]]\n"));
  EXPECT_EQ(ids(equal), ids("[container]\nlimit = \"96M\"\nmemsw_limit = 0\n[[cell]]\n"));
}

// --- [[include]] and [[exclude]] ------------------------------------------

TEST_F(MatrixFile, ExcludeRemovesPartialMatches) {
  EXPECT_EQ(names(R"(
[[cell]]
name = "a"
[[cell]]
name = "off"
[cell.container]
oom_kill_disable = true

[axes]
"container.cgroup" = ["v1", "v2"]
"workload.procs" = [8, 40]

# A key from the cell, one from an axis.
[[exclude]]
"container.cgroup" = "v2"
"container.oom_kill_disable" = true

# Nested form; a default (size) matches too, in any unit.
[[exclude]]
[exclude.workload]
size = "4096K"
procs = 40
)"),
            (std::vector<std::string>{"a-cgroup=v1-procs8", "a-cgroup=v2-procs8", "off-cgroup=v1-procs8"}));
}

TEST_F(MatrixFile, IncludeExtendsMatchingCellsOrAddsOne) {
  const Matrix m = load(R"(
[axes]
"workload.user" = ["nonroot", "root"]
"guest.swap" = ["0", "64M"]

# Extends the two cells with swap (an axis value it matches).
[[include]]
"guest.swap" = 67108864
"container.memsw_limit" = "192M"

# Extends every cell: hold is no axis, nothing contradicts it.
[[include]]
workload.hold = "5s"

# Contradicts every cell's user (an axis): a cell of its own.
[[include]]
name = "extra"
expect = "oom-killed"
"workload.user" = 7

# Extends only the root cells, and overrides the earlier include's hold.
[[include]]
"workload.user" = "root"
"workload.hold" = "9s"
expect = "completed"
)");
  std::vector<std::string> got;
  for (const Cell& c : m.cells) got.push_back(c.name);
  ASSERT_EQ(m.cells.size(), 5u) << fmt::format("{}", fmt::join(got, " "));
  EXPECT_EQ(got, (std::vector<std::string>{"nonroot-8x4M-swap0-hold5s",
                                           "nonroot-8x4M-swap64M-memsw_limit192M-hold5s",
                                           "root-8x4M-swap0-hold9s",
                                           "root-8x4M-swap64M-memsw_limit192M-hold9s",
                                           "extra"}));
  EXPECT_EQ(m.cells[0].container.memsw_limit, 0u);
  EXPECT_EQ(m.cells[1].container.memsw_limit, 192u << 20);
  EXPECT_EQ(m.cells[1].workload.hold_ms, 5'000u);
  EXPECT_EQ(m.cells[2].workload.hold_ms, 9'000u);
  EXPECT_EQ(m.cells[2].expect, "completed");
  EXPECT_EQ(m.cells[1].expect, "");
  // The new cell: the defaults and the include's keys only.
  EXPECT_EQ(m.cells[4].workload.uid, 7);
  EXPECT_EQ(m.cells[4].guest.swap, 0u);
  EXPECT_EQ(m.cells[4].workload.hold_ms, 2'000u);
  EXPECT_EQ(m.cells[4].expect, "oom-killed");
}

TEST_F(MatrixFile, IncludeMatchesANamedCellByName) {
  const auto cells = load(R"(
[[cell]]
name = "fits"
[[cell]]
name = "tight"
[cell.container]
limit = "32M"

[[include]]
name = "tight"
"workload.procs" = 2
)").cells;
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].workload.procs, 8);
  EXPECT_EQ(cells[1].workload.procs, 2);
  EXPECT_EQ(cells[1].name, "tight-procs2");
  // One that contradicts a cell's own value adds a cell instead:
  // bad/include_renames_twice.toml.
}

TEST_F(MatrixFile, IncludeOnlyMatrix) {
  EXPECT_EQ(names("[[include]]\n\"workload.procs\" = 2\n[[include]]\nname = \"b\"\n"),
            (std::vector<std::string>{"nonroot-2x4M", "b"}));
}

TEST_F(MatrixFile, ExcludeThatMatchesNothingWarns) {
  const Matrix m = load(R"(
[axes]
"workload.procs" = [8, 40]

[[exclude]]
"workload.procs" = 40

[[exclude]]
"workload.procs" = 80
)");
  ASSERT_EQ(m.cells.size(), 1u);
  EXPECT_EQ(m.cells[0].workload.procs, 8);
  EXPECT_EQ(m.warnings,
            (std::vector<std::string>{(dir_ / "m.toml").string() + ":8:1: warning: this [[exclude]] matches no cell"}));
}

// --- extends ----------------------------------------------------------------

TEST_F(MatrixFile, ExtendsSharesDefaults) {
  fs::create_directories(dir_ / "shared");
  write("[run]\ncpus = 4\nguest_memory = \"1G\"\n[guest.sysctl]\n\"vm.swappiness\" = 10\n", "shared/base.toml");
  write("extends = \"base.toml\"\n[run]\ncpus = 3\n[workload]\nprocs = 2\n", "shared/mid.toml");
  const Matrix m = load(R"(
extends = "shared/mid.toml"
[run]
cpus = 1
[guest.sysctl]
"vm.panic_on_oom" = 1
[[cell]]
)");
  const Cell& c = m.cells.at(0);
  EXPECT_EQ(c.run.cpus, 1);                 // the file over what it extends
  EXPECT_EQ(c.run.guest_memory, 1u << 30);  // from base, through mid (relative to mid)
  EXPECT_EQ(c.workload.procs, 2);
  EXPECT_EQ(c.guest.sysctl, (std::map<std::string, std::string>{{"vm.panic_on_oom", "1"}, {"vm.swappiness", "10"}}));
  // Defaults from another file are still defaults: not in the name.
  EXPECT_EQ(c.name, "nonroot-2x4M");
  EXPECT_EQ(m.sha256, util::sha256_hex(read_bytes(dir_ / "m.toml") + read_bytes(dir_ / "shared/mid.toml") +
                                       read_bytes(dir_ / "shared/base.toml")));
}

TEST_F(MatrixFile, ExtendsSeveralInOrder) {
  write("[run]\ncpus = 4\n", "a.toml");
  write("[run]\ncpus = 6\n[workload]\nprocs = 3\n", "b.toml");
  const Cell c = load("extends = [\"a.toml\", \"b.toml\"]\n[[cell]]\n").cells.at(0);
  EXPECT_EQ(c.run.cpus, 6);
  EXPECT_EQ(c.workload.procs, 3);
}

TEST_F(MatrixFile, ExtendsErrorsPointIntoTheRightFile) {
  write("[run]\ncpus = 4\n[workload]\nproc = 3\n", "base.toml");
  EXPECT_EQ(error("extends = \"base.toml\"\n[[cell]]\n"),
            (dir_ / "base.toml").string() + ":4:1: unknown key 'proc' in [workload]: did you mean 'procs'?");
  write("extends = \"m.toml\"\n", "loop.toml");
  EXPECT_EQ(error("extends = \"loop.toml\"\n[[cell]]\n"),
            (dir_ / "loop.toml").string() + ":1:11: extends: a cycle: m.toml -> loop.toml -> m.toml");
}

// The same cell, however a file spells it, has the same ID: comparisons
// between runs of different matrices rely on it.
TEST_F(MatrixFile, SameCellSameIdInTwoFiles) {
  write("[run]\nguest_memory = \"512M\"\n[container]\nlimit = \"256M\"\n", "base.toml");
  const Matrix a = load_matrix(write(R"(
extends = "base.toml"
[container]
memsw_limit = "320M"
[guest]
swap = "64M"
[[cell]]
name = "post-row-1"
[cell.workload]
procs = 1280
size = "256K"
user = "nonroot"
)", "a.toml"));
  const Matrix b = load_matrix(write(R"(
[axes]
"workload.procs" = [80, 1280]
kernel = ["debian:bookworm", "debian:trixie"]
[[include]]
"container.limit" = 268435456
"container.memsw_limit" = "327680K"
"guest.swap" = "64MiB"
"workload.size" = "256k"
"workload.user" = 1000
[[exclude]]
"workload.procs" = 80
)", "b.toml"));
  ASSERT_EQ(a.cells.size(), 1u);
  ASSERT_EQ(b.cells.size(), 2u);
  EXPECT_EQ(b.cells[0].name, "k6.1-nonroot-1280x256K-limit256M-memsw_limit320M-swap64M");
  EXPECT_EQ(cell_id(a.cells[0]), cell_id(b.cells[0]));
  EXPECT_NE(cell_id(a.cells[0]), cell_id(b.cells[1]));
}

// --- errors ---------------------------------------------------------------

struct BadCase {
  std::string toml;
  int line;
  int column;
  std::string words;
};

TEST_F(MatrixFile, ErrorsNamePlaceAndProblem) {
  const std::vector<BadCase> cases = {
      {"[workload]\nprocs = 8\nsiz = \"4M\"\n[[cell]]\n", 3, 1,
       "unknown key 'siz' in [workload]: did you mean 'size'?"},
      {"[[cell]]\n[cell.run]\ncpus = \"2\"\n", 3, 8, "cell.run.cpus: expected an integer, got a string"},
      {"[[cell]]\n[cell.workload]\nsize = \"12Q\"\n", 3, 8, "\"12Q\" is not a size"},
      {"[run]\nworkload_timeout = 90\n[[cell]]\n", 2, 20, "a duration needs a unit, e.g. \"90s\""},
      {"[run]\nguest_memory = \"64M\"\n[[cell]]\n", 2, 16, "container.limit 128M is larger than run.guest_memory 64M"},
      {"[[cell]]\n[cell.container]\nlimit = \"96M\"\nmemsw_limit = \"64M\"\n", 4, 15, "is less than container.limit"},
      {"[run]\ncpus = 2\n", 1, 1, "no cells"},
      {"[[cell]]\nname = \"a\"\n\n[[cell]]\nname = \"a\"\n[cell.workload]\nprocs = 1\n", 4, 1,
       "two cells are named 'a' (lines 1 and 4)"},
      {"[[cell]]\nname = \"a\"\n\n[[cell]]\nname = \"b\"\n", 4, 1, "cells 'a' (line 1) and 'b' (line 4) have the same"},
      {"[axes]\n\"workload.procs\" = []\n", 2, 20, "at least one value"},
      {"[[cell]]\nname = \"a\"\n[cell.run]\nkernel = \n", 4, 10, "expected value"},
  };
  for (const BadCase& c : cases) {
    const std::string message = error(c.toml);
    const std::string prefix = fmt::format("{}:{}:{}: ", (dir_ / "m.toml").string(), c.line, c.column);
    EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
    EXPECT_NE(message.find(c.words), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST_F(MatrixFile, UnreadableFile) {
  const fs::path missing = dir_ / "missing.toml";
  try {
    load_matrix(missing);
    FAIL() << "loaded a missing file";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), missing.string() + ": cannot read: No such file or directory");
  }
  EXPECT_THROW(load_matrix(dir_), UsageError);
}

// Every file of the bad corpus (bad_matrix.h) fails with its whole expected message.
TEST_F(MatrixFile, BadCorpus) {
  int files = 0;
  for (const fs::path& file : fixtures::bad_matrices()) {
    ++files;
    const std::string expected = fixtures::expected_error(file);
    ASSERT_FALSE(expected.empty()) << file << ": no \"# expect: \" first line";
    try {
      load_matrix(file);
      ADD_FAILURE() << file << " loaded without error";
    } catch (const UsageError& e) {
      EXPECT_EQ(e.what(), expected) << file;
    }
  }
  EXPECT_GE(files, 70);
}

}  // namespace
}  // namespace kmx::matrix
