// The libvirt backend against real daemons (tests/libvirt/libvirt_hosts.sh
// starts two on this machine): the smoke matrix gives the same outcomes as
// through QEMU directly, the fault cells the same verdicts, on either host,
// with the same evidence; no domain is left behind, even when kmatrix is
// SIGKILLed mid-run; an unreachable host, a refused user or hosts without
// the memory for a guest are one line and exit 3; a host lost mid-run leaves
// its cells to the other.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <libvirt/libvirt.h>

#include "../vm/matrix_run.h"
#include "libvirt_hosts.h"
#include "util/file_lock.h"
#include "vm/domain_owner.h"
#include "vm/host_claim.h"
#include "vm/libvirt_domain_xml.h"
#include "vm/libvirt_handle.h"
#include "vm/libvirt_storage.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kmx::vmtest;

namespace {

// Cold boots here: these tests read the boot's console and rely on
// autodestroy, which a restored domain lacks; test_libvirt_snapshot_vm.cpp restores.
std::string cold_args(const std::string& uri) { return libvirt_args(uri) + " --boot cold"; }

const MatrixRun& smoke_libvirt() {
  static const MatrixRun run =
      run_kmatrix(KMATRIX_SOURCE_DIR "/matrix/smoke.toml", "libvirt-smoke", cold_args(host_uris().at(0)));
  return run;
}

const MatrixRun& faults_libvirt() {
  static const MatrixRun run =
      run_kmatrix(KMATRIX_SOURCE_DIR "/tests/data/vm/faults.toml", "libvirt-faults", cold_args(host_uris().at(1)));
  return run;
}

void expect_outcomes_as_expected(const MatrixRun& run, size_t cells, const std::string& uri) {
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_EQ(run.cells.size(), cells);
  for (const auto& [name, c] : run.cells) {
    EXPECT_EQ(c.at("outcome"), c.at("expect")) << name << ": " << c.dump();
    EXPECT_EQ(c.value("host", ""), uri) << name;
    const fs::path evidence = run.dir / c.at("evidence").get<std::string>();
    EXPECT_NE(read_file(evidence / "console.log").find("Linux version"), std::string::npos) << name;
    EXPECT_NE(read_file(evidence / "agent.log").find(" ready "), std::string::npos) << name;
    EXPECT_FALSE(read_file(evidence / "qemu.log").empty()) << name;
    EXPECT_GT(c.at("timings").at("start_ms").get<int64_t>(), 0) << name;
  }
}

TEST(LibvirtBackend, SmokeMatrixGivesItsThreeOutcomes) {
  const MatrixRun& run = smoke_libvirt();
  expect_outcomes_as_expected(run, 3, host_uris().at(0));
  const json info = json::parse(read_file(run.dir / "run.json"));
  EXPECT_NE(info.at("qemu_version").get<std::string>().find("libvirt"), std::string::npos);
  // The local daemon's own QEMU log, fetched: QEMU's command line as libvirt ran it.
  const json& c = run.cells.at("fits");
  EXPECT_NE(read_file(run.dir / c.at("evidence").get<std::string>() / "qemu.log").find("qemu-system-x86_64"),
            std::string::npos);
  // The hang's evidence was collected through the agent, as with QEMU.
  const fs::path hang = run.dir / run.cells.at("exceeds-killer-off").at("evidence").get<std::string>();
  EXPECT_NE(read_file(hang / "console.log").find("Show Blocked State"), std::string::npos);
}

TEST(LibvirtBackend, FaultCellsOnTheSecondHostGiveTheirVerdicts) {
  const MatrixRun& run = faults_libvirt();
  expect_outcomes_as_expected(run, 3, host_uris().at(1));
  // Frozen by virDomainSuspend, then sysrq through virDomainSendKey reaches nothing: the guest hang.
  EXPECT_EQ(run.cells.at("frozen").at("outcome"), "guest-hang");
  EXPECT_EQ(run.cells.at("global-oom-panic").at("outcome"), "panic");
}

TEST(LibvirtBackend, OneRunOverTwoHostsRecordsEveryCellOnce) {
  const std::vector<std::string> uris = host_uris();
  const MatrixRun run = run_kmatrix(KMATRIX_SOURCE_DIR "/matrix/smoke.toml", "libvirt-two-hosts",
                                    fmt::format("{} --connect '{}' --jobs 1", cold_args(uris.at(0)), uris.at(1)));
  EXPECT_EQ(run.exit_code, 0);
  std::ifstream in(run.dir / "cells.jsonl");
  std::map<std::string, int> records;
  std::set<std::string> hosts;
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line);
    ++records[j.at("name").get<std::string>()];
    hosts.insert(j.at("host").get<std::string>());
    EXPECT_EQ(j.at("outcome"), j.at("expect")) << line;
  }
  EXPECT_EQ(records, (std::map<std::string, int>{{"exceeds", 1}, {"exceeds-killer-off", 1}, {"fits", 1}}));
  // One job on each host: the first two cells start at once, one on each.
  EXPECT_EQ(hosts, (std::set<std::string>{uris.at(0), uris.at(1)}));
}

TEST(LibvirtBackend, NoDomainOutlivesItsRun) {
  smoke_libvirt();
  faults_libvirt();
  for (const std::string& uri : host_uris()) EXPECT_EQ(kmatrix_domains(uri), std::vector<std::string>{}) << uri;
}

TEST(LibvirtBackend, SigkilledRunLeavesNoDomainAndResumes) {
  const std::string uri = host_uris().at(1);
  const fs::path dir = run_dir("libvirt-killed");
  fs::remove_all(dir);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(KMATRIX_BINARY, KMATRIX_BINARY, "run", KMATRIX_SOURCE_DIR "/matrix/smoke.toml", "--out", dir.c_str(),
            "--backend", "libvirt", "--connect", uri.c_str(), "--jobs", "1", "--boot", "cold",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Killed while its first domain runs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (kmatrix_domains(uri).empty() && std::chrono::steady_clock::now() < deadline &&
         ::waitpid(pid, nullptr, WNOHANG) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_FALSE(kmatrix_domains(uri).empty()) << "no domain started";
  // The run claims its host, so that gc --volumes keeps its uploads; the claim ends with kmatrix.
  EXPECT_EQ(kmx::util::FileLock::try_exclusive(kmx::vm::host_claim_file(uri)), nullptr);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_NE(kmx::util::FileLock::try_exclusive(kmx::vm::host_claim_file(uri)), nullptr);
  // The domain dies with kmatrix's connection (autodestroy), like a QEMU child with PR_SET_PDEATHSIG.
  for (int i = 0; i < 50 && !kmatrix_domains(uri).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(kmatrix_domains(uri), std::vector<std::string>{});
  EXPECT_EQ(kmatrix_status(fmt::format("run --resume '{}'", dir.string()), fmt::format("XDG_DATA_HOME='{}-data'", dir.string())), 0);
  const MatrixRun run = read_run(dir, 0);
  EXPECT_EQ(run.cells.size(), 3u);
  std::ifstream in(dir / "cells.jsonl");
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, 3) << "every cell recorded exactly once";
  EXPECT_EQ(kmatrix_domains(uri), std::vector<std::string>{});
}

// kmatrix's combined output and exit code, run through `prefix` (e.g. as another user).
std::pair<std::string, int> kmatrix_output_as(const std::string& prefix, const std::string& args) {
  FILE* p = ::popen(fmt::format("{} '{}' {} 2>&1", prefix, KMATRIX_BINARY, args).c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

std::pair<std::string, int> kmatrix_output(const std::string& args) { return kmatrix_output_as("", args); }

// The session daemon of the user running kmatrix (root here; libvirt starts
// it on first connection): a pool it has not got is made in that user's data
// directory, which a session's QEMU, running as that user, can read.
void drop_pool(const std::string& uri) {
  const kmx::vm::ConnectHandle conn(virConnectOpen(uri.c_str()));
  ASSERT_TRUE(conn) << uri;
  if (const kmx::vm::PoolHandle pool(virStoragePoolLookupByName(conn.get(), "kmatrix")); pool) {
    virStoragePoolDestroy(pool.get());
    virStoragePoolUndefine(pool.get());
  }
}

TEST(LibvirtBackend, ASessionUriRunsWithItsPoolInTheUsersDataDirectory) {
  const std::string uri = "qemu:///session";
  drop_pool(uri);
  const fs::path matrix = private_matrix("libvirt-session");
  const MatrixRun run = run_kmatrix(matrix.string(), "libvirt-session", libvirt_args(uri));
  ASSERT_EQ(run.exit_code, 0);
  const json& fits = run.cells.at("fits");
  EXPECT_EQ(fits.at("outcome"), "completed");
  EXPECT_EQ(fits.at("host"), uri);
  {
    const kmx::vm::ConnectHandle conn(virConnectOpen(uri.c_str()));
    const kmx::vm::PoolHandle pool(virStoragePoolLookupByName(conn.get(), "kmatrix"));
    ASSERT_TRUE(pool);
    char* xml = virStoragePoolGetXMLDesc(pool.get(), 0);
    const std::string pool_xml = xml ? xml : "";
    free(xml);
    const fs::path expected = fs::path(run.dir.string() + "-data") / "libvirt/images/kmatrix";
    EXPECT_NE(pool_xml.find("<path>" + expected.string() + "</path>"), std::string::npos) << pool_xml;
  }
  EXPECT_TRUE(kmatrix_domains(uri).empty());
  drop_pool(uri);  // its directory goes with the run's data directory
  fs::remove(matrix);
}

TEST(LibvirtBackend, UnreachableHostIsOneLineAndExit3) {
  const std::string uri = "qemu+unix:///system?socket=/nonexistent/libvirt-sock";
  const fs::path dir = run_dir("libvirt-unreachable");
  fs::remove_all(dir);
  const auto [out, code] =
      kmatrix_output(fmt::format("run {} --out '{}' {}", KMATRIX_SOURCE_DIR "/matrix/smoke.toml", dir.string(), libvirt_args(uri)));
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find(uri), std::string::npos) << out;
  EXPECT_NE(out.find("start libvirtd"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_FALSE(fs::exists(dir / "cells.jsonl"));
}

// smoke.toml through libvirt, written for the test, with `run_keys` added to its [run].
fs::path smoke_matrix(const std::string& tag, const std::string& run_keys) {
  std::string text = read_file(KMATRIX_SOURCE_DIR "/matrix/smoke.toml");
  const std::string extends = "extends = \"common.toml\"\n";
  text.replace(text.find(extends), extends.size(), fmt::format("extends = \"{}\"\n", KMATRIX_SOURCE_DIR "/matrix/common.toml"));
  text.insert(text.find("[run]\n") + 6, fmt::format("backend = \"libvirt\"\n{}\n", run_keys));
  const fs::path file = fs::temp_directory_path() / fmt::format("kmatrix-libvirt-{}-{}.toml", tag, ::getpid());
  std::ofstream(file) << text;
  return file;
}

TEST(LibvirtBackend, MatrixConnectNamesTheHostsAndTheCommandLineOverridesIt) {
  const std::string nowhere = "qemu+unix:///system?socket=/nonexistent/matrix-sock";
  const fs::path matrix = smoke_matrix("connect", fmt::format("connect = [\"{}\"]", nowhere));
  const fs::path dir = run_dir("libvirt-connect");
  fs::remove_all(dir);
  const auto [out, code] = kmatrix_output(fmt::format("run '{}' --out '{}'", matrix.string(), dir.string()));
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("libvirt " + nowhere + ": "), std::string::npos) << out;
  const std::string flag = "qemu+unix:///system?socket=/nonexistent/flag-sock";
  const auto [over, over_code] =
      kmatrix_output(fmt::format("run '{}' --out '{}' --connect '{}'", matrix.string(), dir.string(), flag));
  EXPECT_EQ(over_code, 3) << over;
  EXPECT_NE(over.find("libvirt " + flag + ": "), std::string::npos) << over;
  EXPECT_EQ(over.find(nowhere), std::string::npos) << over;
  // With --backend qemu the matrix's hosts mean nothing: refused, not ignored.
  const auto [qemu, qemu_code] = kmatrix_output(fmt::format("run '{}' --out '{}' --backend qemu", matrix.string(), dir.string()));
  EXPECT_EQ(qemu_code, 2) << qemu;
  EXPECT_NE(qemu.find("names libvirt hosts in run.connect"), std::string::npos) << qemu;
  EXPECT_FALSE(fs::exists(dir));
  fs::remove(matrix);
}

TEST(LibvirtBackend, NoHostWithTheMemoryForAGuestIsOneLineBeforeAnyKernel) {
  const std::vector<std::string> uris = host_uris();
  // This machine has far less than 64 GiB.
  const fs::path matrix = smoke_matrix("huge", fmt::format("guest_memory = \"64G\"\nconnect = [\"{}\", \"{}\"]", uris.at(0), uris.at(1)));
  const fs::path dir = run_dir("libvirt-huge");
  fs::remove_all(dir);
  // An empty cache: a kernel prepared before the check would land in it.
  const fs::path cache = dir.string() + "-cache";
  fs::remove_all(cache);
  const auto [out, code] =
      kmatrix_output(fmt::format("run '{}' --out '{}' --cache '{}'", matrix.string(), dir.string(), cache.string()));
  EXPECT_EQ(code, 3) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  for (const std::string& uri : uris) EXPECT_NE(out.find(uri + " has "), std::string::npos) << out;
  EXPECT_NE(out.find("one guest of this run needs 65664 MiB"), std::string::npos) << out;
  EXPECT_NE(out.find("lower run.guest_memory"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(fs::exists(cache / "images")) << "no kernel prepared";
  fs::remove_all(cache);
  fs::remove(matrix);
}

TEST(LibvirtBackend, AHostTooSmallForAGuestIsLeftOutAndTheOthersRun) {
  const std::string uri = host_uris().at(0);
  // libvirt's test driver reports a host of 3 GiB (its free memory, 3 MiB as libvirt 9.0 counts it): less
  // the 1 GiB reserve, no room for a 2 GiB guest.
  const fs::path matrix = smoke_matrix("small-host", fmt::format("guest_memory = \"2G\"\nconnect = [\"test:///default\", \"{}\"]", uri));
  const fs::path dir = run_dir("libvirt-small-host");
  fs::remove_all(dir);
  const auto [out, code] = kmatrix_output(fmt::format("run '{}' --out '{}' --filter name=fits", matrix.string(), dir.string()));
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(kmatrix: warning: host test:///default has \d+ MiB free, less than one )"
                                                R"(guest of this run needs \(2176 MiB for cell 'fits', plus the 1024 MiB )"
                                                R"(reserve\); it runs no cell of this run\n)")))
      << out;
  const MatrixRun run = read_run(dir, code);
  ASSERT_EQ(run.cells.size(), 1u);
  EXPECT_EQ(run.cells.at("fits").at("outcome"), "completed");
  EXPECT_EQ(run.cells.at("fits").at("host"), uri);
  // run.json says which hosts ran and with what accelerator.
  const json hosts = json::parse(read_file(dir / "run.json")).at("hosts");
  ASSERT_EQ(hosts.size(), 1u) << hosts.dump();
  EXPECT_EQ(hosts[0].at("host"), uri);
  EXPECT_EQ(hosts[0].at("accel"), run.cells.at("fits").at("accel"));
  EXPECT_NE(out.find(fmt::format("kmatrix: host {}: ", uri)), std::string::npos) << out;
  fs::remove(matrix);
}

TEST(LibvirtBackend, PermissionDeniedIsOneLineAndExit3) {
  // The second daemon's socket is root's alone (unix_sock_rw_perms 0700): kmatrix as nobody is refused.
  const std::string uri = host_uris().at(1);
  const fs::path home = run_dir("libvirt-nobody-home");
  fs::create_directories(home);
  fs::permissions(home, fs::perms::all);
  const fs::path dir = home / "run";
  const auto [out, code] = kmatrix_output_as(
      fmt::format("setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME='{}' XDG_CACHE_HOME='{}/cache'",
                  home.string(), home.string()),
      fmt::format("run {} --out '{}' {}", KMATRIX_SOURCE_DIR "/matrix/smoke.toml", dir.string(), libvirt_args(uri)));
  EXPECT_EQ(code, 3) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_NE(out.find("libvirt " + uri + ": permission denied ("), std::string::npos) << out;
  for (const char* hint : {"libvirt group", "unix_sock_rw_perms", "polkit"}) EXPECT_NE(out.find(hint), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir));
  fs::remove_all(home);
}

// The pid in a pid file; 0 when there is none.
pid_t pid_in(const fs::path& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

void kill_and_wait(pid_t pid) {
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

TEST(LibvirtBackend, AHostLostMidRunLeavesItsCellsToTheOther) {
  const std::vector<std::string> uris = host_uris();
  const fs::path host2 = fs::path(KMATRIX_LIBVIRT_STATE) / "host2";
  const fs::path dir = run_dir("libvirt-host-lost");
  fs::remove_all(dir);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(KMATRIX_BINARY, KMATRIX_BINARY, "run", KMATRIX_SOURCE_DIR "/matrix/smoke.toml", "--out", dir.c_str(),
            "--backend", "libvirt", "--connect", uris.at(0).c_str(), "--connect", uris.at(1).c_str(), "--jobs", "1",
            "--boot", "cold", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // The second daemon dies while its first cell runs there; its QEMU lives on, orphaned.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (kmatrix_domains(uris.at(1)).empty() && std::chrono::steady_clock::now() < deadline &&
         ::waitpid(pid, nullptr, WNOHANG) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_FALSE(kmatrix_domains(uris.at(1)).empty()) << "no domain started on the second host";
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const pid_t daemon = pid_in(host2 / "libvirtd.pid");
  ASSERT_GT(daemon, 0);
  std::vector<pid_t> orphans;  // its QEMUs, by the pid files libvirt keeps in its run directory
  for (const auto& entry : fs::directory_iterator(host2 / "run/qemu"))
    if (entry.path().extension() == ".pid") orphans.push_back(pid_in(entry.path()));
  EXPECT_FALSE(orphans.empty());
  kill_and_wait(daemon);

  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::ifstream in(dir / "cells.jsonl");
  std::map<std::string, int> records;
  std::vector<json> lost;
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line);
    ++records[j.at("name").get<std::string>()];
    if (j.at("host") == uris.at(1)) {
      lost.push_back(j);
    } else {
      EXPECT_EQ(j.at("host"), uris.at(0)) << line;
      EXPECT_EQ(j.at("outcome"), j.at("expect")) << line;
    }
  }
  EXPECT_EQ(records, (std::map<std::string, int>{{"exceeds", 1}, {"exceeds-killer-off", 1}, {"fits", 1}}));
  ASSERT_EQ(lost.size(), 1u) << "the one cell the second host ran";
  EXPECT_EQ(lost[0].at("outcome"), "infra-error") << lost[0].dump();
  // Each host probed its own accelerator, and run.json says which it uses.
  const json hosts = json::parse(read_file(dir / "run.json")).at("hosts");
  ASSERT_EQ(hosts.size(), 2u) << hosts.dump();
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(hosts[i].at("host"), uris.at(i));
    EXPECT_TRUE(hosts[i].at("accel") == "tcg" || hosts[i].at("accel") == "kvm") << hosts.dump();
    EXPECT_EQ(hosts[i].at("jobs"), 1);
  }
  EXPECT_EQ(lost[0].at("accel"), hosts[1].at("accel"));

  // Nothing left running: the orphans by pid, then the second host again for the tests after this one.
  for (const pid_t orphan : orphans) kill_and_wait(orphan);
  for (const pid_t orphan : orphans) EXPECT_NE(::kill(orphan, 0), 0) << orphan;
  kill_and_wait(pid_in(host2 / "virtlogd.pid"));
  EXPECT_EQ(std::system(fmt::format("'{}' start '{}'", KMATRIX_SOURCE_DIR "/tests/libvirt/libvirt_hosts.sh",
                                    KMATRIX_LIBVIRT_STATE).c_str()),
            0);
  EXPECT_EQ(kmatrix_domains(uris.at(1)), std::vector<std::string>{});
}

// A domain that sits in the firmware (no disk; `kernel`, when given, loaded but paused before it
// runs): enough for gc.
void start_idle_domain(virConnectPtr conn, const std::string& name, const std::string& metadata,
                       const std::string& kernel = "") {
  const std::string xml = fmt::format(
      "<domain type='qemu'><name>{}</name><metadata>{}</metadata><memory unit='MiB'>32</memory>"
      "<os><type arch='x86_64'>hvm</type>{}</os></domain>",
      name, metadata, kernel.empty() ? "" : fmt::format("<kernel>{}</kernel>", kernel));
  const kmx::vm::DomainHandle dom(virDomainCreateXML(conn, xml.c_str(), kernel.empty() ? 0 : VIR_DOMAIN_START_PAUSED));
  ASSERT_TRUE(dom) << name << ": " << kmx::vm::libvirt_error();
}

TEST(LibvirtBackend, GcDestroysLeftoversByTagOnly) {
  const std::string uri = host_uris().at(1);
  const kmx::vm::ConnectHandle conn(virConnectOpen(uri.c_str()));
  ASSERT_TRUE(conn);
  // A pid that was a process here and is no more.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const kmx::vm::DomainTag gone{.run = "gctest", .cell = "c1", .repeat = 0, .pid = dead, .host = kmx::vm::this_machine()};
  kmx::vm::DomainTag elsewhere = gone;
  elsewhere.cell = "c2";
  elsewhere.host = "another-machine";
  start_idle_domain(conn.get(), "kmatrix-gctest-c1-0", kmx::vm::domain_tag_xml(gone));
  start_idle_domain(conn.get(), "kmatrix-gctest-c2-0", kmx::vm::domain_tag_xml(elsewhere));
  start_idle_domain(conn.get(), "kmatrix-gctest-untagged-0", "");

  const auto [dry, dry_code] = kmatrix_output(fmt::format("gc --connect '{}' --dry-run", uri));
  EXPECT_EQ(dry_code, 0) << dry;
  EXPECT_NE(dry.find("kmatrix-gctest-c1-0 would be destroyed"), std::string::npos) << dry;
  EXPECT_EQ(kmatrix_domains(uri).size(), 2u) << "--dry-run destroys nothing";

  const auto [out, code] = kmatrix_output(fmt::format("gc --connect '{}'", uri));
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("kmatrix-gctest-c1-0 destroyed"), std::string::npos) << out;
  EXPECT_NE(out.find("kmatrix-gctest-c2-0 kept: started by kmatrix on another-machine"), std::string::npos) << out;
  EXPECT_EQ(out.find("untagged"), std::string::npos) << out;
  std::vector<std::string> left = kmatrix_domains(uri);
  EXPECT_EQ(left, std::vector<std::string>{"kmatrix-gctest-c2-0"});
  for (const char* name : {"kmatrix-gctest-c2-0", "kmatrix-gctest-untagged-0"}) {
    const kmx::vm::DomainHandle dom(virDomainLookupByName(conn.get(), name));
    EXPECT_TRUE(dom) << name << " must be left alone";
    if (dom) virDomainDestroy(dom.get());
  }
}

// The pool's uploads; the snapshots' save images beside them are not gc --volumes's.
std::set<std::string> pool_volume_names(virConnectPtr conn, const std::string& uri) {
  std::set<std::string> names;
  for (const kmx::vm::PoolVolume& v : kmx::vm::pool_volumes(conn, uri))
    if (v.name.starts_with("kmx-")) names.insert(v.name);
  return names;
}

std::set<std::string> save_image_names(virConnectPtr conn, const std::string& uri) {
  std::set<std::string> names;
  for (const kmx::vm::PoolVolume& v : kmx::vm::pool_volumes(conn, uri))
    if (v.name.starts_with("kmatrix-snapshot-")) names.insert(v.name);
  return names;
}

TEST(LibvirtBackend, GcVolumesDeletesOnlyUploadsNoDomainBootsFrom) {
  const std::string uri = host_uris().at(1);
  // The faults run left its kernel and initramfs in host 2's pool.
  faults_libvirt();
  const kmx::vm::ConnectHandle conn(virConnectOpen(uri.c_str()));
  ASSERT_TRUE(conn);
  // Host 2's /var/lib/libvirt is this directory (libvirt_hosts.sh): find the kernel by its bzImage magic.
  const fs::path pool_dir = fs::path(KMATRIX_LIBVIRT_STATE) / "host2/lib/images/kmatrix";
  std::string kernel;
  for (const std::string& name : pool_volume_names(conn.get(), uri)) {
    std::ifstream in(pool_dir / name, std::ios::binary);
    std::string magic(4, '\0');
    if (in.seekg(0x202) && in.read(magic.data(), 4) && magic == "HdrS") kernel = name;
  }
  ASSERT_FALSE(kernel.empty()) << "no kernel in " << pool_dir;
  // An upload no domain uses, and a domain from another machine booting the kernel.
  const fs::path stale = fs::temp_directory_path() / fmt::format("kmatrix-gc-volumes-{}", ::getpid());
  std::ofstream(stale) << "gc --volumes test " << ::getpid() << " " << std::chrono::system_clock::now().time_since_epoch().count();
  const std::string stale_name = fs::path(kmx::vm::upload_volume(conn.get(), uri, stale)).filename();
  const kmx::vm::DomainTag elsewhere{.run = "gcvol", .cell = "c1", .repeat = 0, .pid = 1, .host = "another-machine"};
  start_idle_domain(conn.get(), "kmatrix-gcvol-c1-0", kmx::vm::domain_tag_xml(elsewhere),
                    (fs::path(kmx::vm::kSystemPoolPath) / kernel).string());

  const std::set<std::string> before = pool_volume_names(conn.get(), uri);
  const std::set<std::string> images = save_image_names(conn.get(), uri);
  {
    // A run on this machine uses the host (as SigkilledRunLeavesNoDomainAndResumes shows a run does): no volume goes,
    // though between two cells no domain shows which it needs.
    const kmx::util::FileLock run(kmx::vm::host_claim_file(uri), kmx::util::FileLock::Mode::shared);
    const auto [kept, kept_code] = kmatrix_output(fmt::format("gc --connect '{}' --volumes", uri));
    EXPECT_EQ(kept_code, 0) << kept;
    EXPECT_NE(kept.find(uri + ": volumes kept: a kmatrix run on this machine uses this host"), std::string::npos) << kept;
    EXPECT_EQ(pool_volume_names(conn.get(), uri), before) << kept;
  }
  const auto [dry, dry_code] = kmatrix_output(fmt::format("gc --connect '{}' --volumes --dry-run", uri));
  EXPECT_EQ(dry_code, 0) << dry;
  EXPECT_NE(dry.find("volume " + stale_name + " would be deleted"), std::string::npos) << dry;
  EXPECT_EQ(pool_volume_names(conn.get(), uri), before) << "--dry-run deletes nothing";

  const auto [out, code] = kmatrix_output(fmt::format("gc --connect '{}' --volumes", uri));
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("volume " + stale_name + ".done deleted"), std::string::npos) << out;
  EXPECT_NE(out.find("volume " + stale_name + " deleted"), std::string::npos) << out;
  EXPECT_EQ(out.find(kernel), std::string::npos) << out;
  // Left: the kernel the domain boots from and its marker; the initramfs (no domain used it) went.
  EXPECT_EQ(pool_volume_names(conn.get(), uri), (std::set<std::string>{kernel, kernel + ".done"}));
  EXPECT_TRUE(fs::exists(pool_dir / kernel));
  if (const kmx::vm::DomainHandle dom{virDomainLookupByName(conn.get(), "kmatrix-gcvol-c1-0")}) virDomainDestroy(dom.get());

  // The pool still takes uploads: the deleted one comes back.
  EXPECT_EQ(fs::path(kmx::vm::upload_volume(conn.get(), uri, stale)).filename(), stale_name);
  EXPECT_TRUE(fs::exists(pool_dir / stale_name));
  const auto [again, again_code] = kmatrix_output(fmt::format("gc --connect '{}' --volumes", uri));
  EXPECT_EQ(again_code, 0) << again;
  EXPECT_TRUE(pool_volume_names(conn.get(), uri).empty()) << again;
  EXPECT_EQ(save_image_names(conn.get(), uri), images) << "the snapshots' save images stay";
  fs::remove(stale);
}

}  // namespace
