// One cell of a matrix: every parameter of one experiment, normalized
// (sizes in bytes, durations in milliseconds), so that equal cells compare
// and hash equal whatever units or key order the matrix file used.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kmx::matrix {

struct RunSettings {
  std::string kernel = "debian:bookworm";  // catalog name, or a bzImage path
  std::string modules_dir;                 // with a bzImage path: its /lib/modules/<rel>
  std::string backend = "qemu";            // VM backend: qemu (direct) or libvirt
  std::vector<std::string> connect;        // libvirt host URIs; none: qemu:///system
  std::string accel = "auto";              // auto | kvm | tcg
  std::string boot = "snapshot";           // snapshot: restore a guest booted once per shape | cold
  uint64_t guest_memory = 512ull << 20;
  int cpus = 2;
  uint64_t boot_timeout_ms = 180'000;
  uint64_t heartbeat_timeout_ms = 15'000;
  uint64_t workload_timeout_ms = 120'000;
  int repeat = 1;  // runs of the cell, each its own record
};

struct ContainerSettings {
  std::string cgroup = "v1";  // v1 | v2
  uint64_t limit = 128ull << 20;
  uint64_t memsw_limit = 0;   // memory+swap; 0 = same as limit (no swap use), see normalize()
  bool oom_kill_disable = false;
  bool pid_namespace = true;
};

struct WorkloadSettings {
  int procs = 8;
  uint64_t size = 4ull << 20;
  uint64_t hold_ms = 2'000;
  int uid = 1000;  // 0 = root
  uint64_t fork_pacing_ms = 0;  // pause after each fork; 0 = fork as fast as possible
};

struct GuestSettings {
  uint64_t swap = 0;                          // swap device size, 0 = none
  std::map<std::string, std::string> sysctl;  // e.g. vm.panic_on_oom = "1"
  std::string cmdline;                        // extra kernel command line
};

// Fault injection, for testing the watchdogs themselves.
struct FaultSettings {
  uint64_t freeze_vm_after_ms = 0;  // QMP "stop" this long after the workload started; 0 = never
  // The agent SIGKILLs the workload parent this long after it started; 0 = never.
  uint64_t kill_workload_parent_after_ms = 0;
};

struct Cell {
  std::string name;     // readable, from the matrix file
  std::string expect;   // expected outcome, "" = none stated
  RunSettings run;
  ContainerSettings container;
  WorkloadSettings workload;
  GuestSettings guest;
  FaultSettings fault;
};

// One spelling per meaning, so that equal experiments get equal IDs: a
// memsw_limit equal to the limit becomes 0 (both mean "no swap use"; the
// agent treats 0 the same on every kernel, also one without swap accounting).
void normalize(Cell& cell);

// The normalized parameters as JSON: the cell's identity (name, expect, and
// how it is run, i.e. backend, accel and repeat, excluded).
nlohmann::json parameters_json(const Cell& cell);

// Stable ID: first 16 hex digits of the SHA-256 of the canonical parameters_json dump.
std::string cell_id(const Cell& cell);

}  // namespace kmx::matrix
