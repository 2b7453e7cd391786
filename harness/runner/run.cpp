#include "runner/run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "compare/distribution.h"
#include "history/auto_ingest.h"
#include "image/kernel.h"
#include "matrix/cell_filter.h"
#include "matrix/cell_table.h"
#include "matrix/matrix_file.h"
#include "results/cells_log.h"
#include "results/run_results.h"
#include "results/run_info.h"
#include "runner/accel_probe.h"
#include "runner/backend_choice.h"
#include "runner/cell_pool.h"
#include "runner/cell_session.h"
#include "runner/host_admission.h"
#include "runner/interrupt.h"
#include "runner/prepared_kernel.h"
#include "runner/run_dir.h"
#include "runner/schedule.h"
#include "runner/snapshot_cache.h"
#include "util/error.h"
#include "util/sha256.h"
#include "vm/libvirt_backend.h"
#include "vm/qemu_backend.h"

namespace kmx::runner {

namespace fs = std::filesystem;

namespace {

// What selects a run's cells, as run.json keeps it for --resume.
nlohmann::json options_json(const RunOptions& o) {
  return {{"matrix", fs::absolute(o.matrix_file).string()},
          {"kernel", o.kernel_override},
          {"modules", o.modules_dir.string()},
          {"accel", o.accel},
          {"backend", o.backend},
          {"connect", o.connect},
          {"repeat", o.repeat},
          {"shard", o.shard},
          {"filter", o.filter},
          {"boot", o.boot}};
}

RunOptions options_from_json(const nlohmann::json& j, const RunOptions& given) {
  RunOptions o = given;
  o.matrix_file = j.at("matrix").get<std::string>();
  o.kernel_override = j.at("kernel").get<std::string>();
  o.modules_dir = j.at("modules").get<std::string>();
  o.accel = j.at("accel").get<std::string>();
  o.backend = j.value("backend", "");
  o.connect = j.value("connect", std::vector<std::string>{});
  o.repeat = j.at("repeat").get<int>();
  o.shard = j.at("shard").get<std::string>();
  o.filter = j.value("filter", "");
  // How cells start changes no result: a --boot given again wins.
  if (o.boot.empty()) o.boot = j.value("boot", "");
  o.out_dir = given.resume_dir;
  return o;
}

// One backend kind runs all of a run's cells (backend_choice). libvirt: one
// backend per host.
std::vector<std::unique_ptr<vm::Backend>> make_backends(const RunOptions& o, const std::vector<matrix::Cell>& cells,
                                                        const fs::path& out) {
  const BackendChoice choice = choose_backend(o.backend, o.connect, cells, o.matrix_file.string());
  std::vector<std::unique_ptr<vm::Backend>> backends;
  if (choice.name != "libvirt") {
    backends.push_back(std::make_unique<vm::QemuBackend>());
    return backends;
  }
  // The run's ID tags its domains: the same for the run directory when resumed.
  const std::string run_id = util::sha256_hex(fs::weakly_canonical(out).string()).substr(0, 8);
  for (const std::string& uri : choice.uris) {
    auto libvirt = std::make_unique<vm::LibvirtBackend>(uri, run_id);
    if (!o.resume_dir.empty())
      for (const auto& domain : libvirt->tagged_domains())
        if (domain.tag.run == run_id) {
          libvirt->destroy_domain(domain.name);
          fmt::print(stderr, "kmatrix: destroyed {} on {}, left running by the interrupted run\n", domain.name, uri);
        }
    backends.push_back(std::move(libvirt));
  }
  return backends;
}

// Asks each host what it offers and keeps those with the memory for a guest
// of this run (host_admission); each kept host's jobs (--jobs applies to
// each) and memory budget.
std::vector<HostLimits> admit(std::vector<std::unique_ptr<vm::Backend>>& backends, const std::vector<CellRun>& runs,
                              int jobs) {
  std::vector<vm::HostCapacity> capacity;
  std::vector<HostOffer> offers;
  for (const auto& b : backends) {
    capacity.push_back(b->capacity());
    offers.push_back({b->host().empty() ? "this machine" : b->host(), capacity.back().available_memory});
  }
  std::vector<GuestNeed> guests;
  for (const CellRun& r : runs) guests.push_back({r.cell->name, host_memory_for(*r.cell)});
  const Admission admission = admit_hosts(offers, guests, kHostReserve);
  for (const std::string& warning : admission.warnings) fmt::print(stderr, "{}\n", warning);
  std::vector<std::unique_ptr<vm::Backend>> kept;
  std::vector<HostLimits> hosts;
  for (const size_t i : admission.hosts) {
    const vm::HostCapacity& c = capacity[i];
    hosts.push_back({.jobs = jobs > 0 ? jobs : default_jobs(c.cpus, c.available_memory, runs),
                     .memory_budget = c.available_memory > kHostReserve ? c.available_memory - kHostReserve : 0});
    kept.push_back(std::move(backends[i]));
  }
  backends = std::move(kept);
  return hosts;
}

// "[2/3] exceeds (ab12...) -> oom-killed [wrong-victim] in 41.2s (expected completed)"
std::string summary_line(const std::string& label, const nlohmann::json& record) {
  const std::string outcome = record.at("outcome").get<std::string>();
  std::string flags;
  for (const auto& flag : record.at("flags")) flags += (flags.empty() ? "" : ",") + flag.get<std::string>();
  std::string line = fmt::format("{} -> {}{} in {:.1f}s", label, outcome, flags.empty() ? "" : " [" + flags + "]",
                                 record.at("timings").at("cell_ms").get<double>() / 1000.0);
  const results::CellResult result = results::cell_result(record);
  if (!result.expect.empty() && !compare::meets_expectation(result)) line += fmt::format(" (expected {})", result.expect);
  if (record.contains("host")) line += fmt::format(" on {} ({})", record.at("host").get<std::string>(), record.value("accel", "?"));
  return line;
}

std::string run_label(const CellRun& run) {
  return run.repeat > 0 ? fmt::format("{} #{} ({})", run.cell->name, run.repeat + 1, run.id)
                        : fmt::format("{} ({})", run.cell->name, run.id);
}

// cells/<ID> for a cell's first run, cells/<ID>-r<N> for its repeats.
fs::path evidence_rel(const CellRun& run) {
  return fs::path("cells") / (run.repeat == 0 ? run.id : fmt::format("{}-r{}", run.id, run.repeat));
}

}  // namespace

fs::path default_out_dir(std::string_view prefix) {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fs::path("results") / fmt::format("{}{:%Y%m%dT%H%M%SZ}", prefix, now);
}

void override_kernel(matrix::Cell& cell, const std::string& spec, const fs::path& modules_dir) {
  cell.run.kernel = spec;
  cell.run.modules_dir = modules_dir.string();
}

int run_matrix(const RunOptions& given) {
  const bool resuming = !given.resume_dir.empty();
  std::optional<ResumedRun> resumed;
  if (resuming) resumed = reopen_run_dir(given.resume_dir);
  const RunOptions options = resuming ? options_from_json(resumed->run_info.at("options"), given) : given;
  const Shard shard = options.shard.empty() ? Shard{} : parse_shard(options.shard);

  matrix::Matrix m = matrix::load_matrix(options.matrix_file);
  for (const std::string& warning : m.warnings) fmt::print(stderr, "{}\n", warning);
  if (!options.filter.empty()) {
    m.cells = matrix::filter_cells(m.cells, matrix::CellFilter::parse(options.filter));
    if (m.cells.empty()) throw UsageError(fmt::format("--filter {}: matches no cell of {}", options.filter,
                                                      options.matrix_file.string()));
  }
  if (resuming && m.sha256 != resumed->run_info.at("matrix").at("sha256").get<std::string>())
    throw UsageError(fmt::format("--resume {}: {} changed since the run started; start a new run",
                                 given.resume_dir.string(), options.matrix_file.string()));
  for (matrix::Cell& cell : m.cells) {
    if (!options.kernel_override.empty()) override_kernel(cell, options.kernel_override, options.modules_dir);
    if (options.accel != "auto") cell.run.accel = options.accel;
    if (!options.boot.empty()) cell.run.boot = options.boot;
  }
  const fs::path cache_dir = options.cache_dir.empty() ? image::default_cache_dir() : options.cache_dir;
  if (options.list_axes) {
    fmt::print("{}", matrix::format_axes(m.cells));
    return kExitOk;
  }

  const std::set<RunKey> done = resuming ? resumed->done : std::set<RunKey>{};
  const std::vector<CellRun> all = plan_runs(m.cells, options.repeat, shard, {});
  const std::vector<CellRun> runs = plan_runs(m.cells, options.repeat, shard, done);
  if (options.dry_run) {
    std::vector<matrix::Cell> cells;
    for (const CellRun& r : runs)
      if (r.repeat == 0) cells.push_back(*r.cell);
    fmt::print("{}{} run(s): {} cell(s){}\n", matrix::format_cell_table(cells), runs.size(), cells.size(),
               shard.count > 1 ? fmt::format(", shard {}/{}", shard.index, shard.count) : "");
    return kExitOk;
  }

  // Everything that can be checked is checked before a VM starts and before
  // the output directory exists.
  std::vector<matrix::Cell> to_prepare;
  for (const CellRun& r : runs) to_prepare.push_back(*r.cell);
  // The hosts first: a libvirt host that does not answer, or has not the
  // memory for a guest, is told before kernels are prepared.
  const fs::path out = resuming ? given.resume_dir : options.out_dir.empty() ? default_out_dir() : options.out_dir;
  std::vector<std::unique_ptr<vm::Backend>> backends = make_backends(options, m.cells, out);
  const std::vector<HostLimits> hosts = admit(backends, runs, options.jobs);
  const auto kernels = prepare_kernels(to_prepare, cache_dir);
  // Snapshots are per backend: a guest saved by one hypervisor restores only there.
  std::vector<std::unique_ptr<SnapshotCache>> snapshots;
  for (const auto& b : backends) snapshots.push_back(std::make_unique<SnapshotCache>(*b, cache_dir));
  int jobs = 0;
  for (const HostLimits& h : hosts) jobs += h.jobs;
  // The KVM probe boots a VM: decided per host and kernel before the cells run in parallel.
  std::map<std::tuple<size_t, std::string, std::string>, std::string> accel;  // (host, kernel, requested) -> kvm|tcg
  const auto accel_key = [](size_t host, const matrix::Cell& c) { return std::tuple{host, c.run.kernel, c.run.accel}; };
  nlohmann::json host_info = nlohmann::json::array();
  std::string qemu_version;
  for (size_t h = 0; h < backends.size(); ++h) {
    std::string used;  // kvm, tcg or mixed
    for (const CellRun& r : runs) {
      auto [it, fresh] = accel.try_emplace(accel_key(h, *r.cell));
      if (fresh) it->second = choose_accel(r.cell->run.accel, *backends[h], kernels.at(r.cell->run.kernel), cache_dir);
      used = used.empty() || used == it->second ? it->second : "mixed";
    }
    const std::string version = backends[h]->version();
    qemu_version += (qemu_version.empty() ? "" : "; ") + version;
    host_info.push_back({{"host", backends[h]->host()},
                         {"version", version},
                         {"accel", used},
                         {"jobs", hosts[h].jobs},
                         {"memory_budget_mib", hosts[h].memory_budget >> 20}});
    if (!backends[h]->host().empty())
      fmt::print(stderr, "kmatrix: host {}: {}; accelerator {}, {} at once, {} MiB for guests\n", backends[h]->host(),
                 version, used.empty() ? "none needed" : used, hosts[h].jobs, hosts[h].memory_budget >> 20);
  }

  if (!resuming) create_run_dir(out);

  install_interrupt_handlers();
  results::RunInfo info{
      .kmatrix_version = KMATRIX_VERSION,
      .qemu_version = qemu_version,
      .host = results::host_description(),
      .accel = resuming ? resumed->run_info.value("accel", "") : "",
      .matrix_file = fs::absolute(options.matrix_file),
      .matrix_sha256 = m.sha256,
      .started = resuming ? resumed->run_info.value("started", "") : results::utc_now_iso8601(),
      .ended = "",
      .status = "running",
      .cells_total = static_cast<int>(all.size()),
      .cells_done = static_cast<int>(all.size() - runs.size()),
      .jobs = jobs,
      .options = options_json(options),
      .hosts = host_info,
  };
  for (const auto& [key, a] : accel) info.accel = info.accel.empty() || info.accel == a ? a : "mixed";
  results::write_run_info(out, info);
  results::CellsLog log(out);
  fmt::print(stderr, "kmatrix: {} run(s) to do{}, {} at once\n", runs.size(),
             resuming ? fmt::format(" ({} already recorded)", info.cells_done) : "", jobs);

  const auto job_of = [&](const CellRun& run, const Slot& slot) -> CellJob {
    return {*run.cell, kernels.at(run.cell->run.kernel), accel.at(accel_key(slot.host, *run.cell)), out / evidence_rel(run),
            evidence_rel(run), run.repeat, snapshots.at(slot.host).get(), slot.charged};
  };
  const RunOne run_one = [&](const CellRun& run, const Slot& slot, const Progress& progress) {
    const CellJob job = job_of(run, slot);
    if (fs::exists(job.evidence_dir)) fs::remove_all(job.evidence_dir);  // an aborted attempt's partial evidence
    fs::create_directories(job.evidence_dir);
    return run_cell(*backends.at(slot.host), job, progress);
  };
  // A guest restored copy-on-write takes only the pages it writes; one whose
  // snapshot is still to be made boots, taking all its RAM. (Copy-on-write
  // restores come with QEMU run directly: one host.)
  const auto charge = [&](const CellRun& run) {
    vm::Backend& backend = *backends.front();
    return backend.restores_copy_on_write() && restores_now(backend, job_of(run, {})) ? host_memory_restored(*run.cell)
                                                                                       : host_memory_for(*run.cell);
  };
  const OnRecord on_record = [&](const CellRun& run, const nlohmann::json& record) {
    log.append(record);
    ++info.cells_done;
    fmt::print(stderr, "[{}/{}] {}\n", info.cells_done, info.cells_total,
               summary_line(run_label(run), record));
    results::write_run_info(out, info);
  };
  run_pool(runs,
           {.hosts = hosts,
            .host_alive = [&](size_t host) { return backends.at(host)->reachable(); },
            .charge = charge,
            .total = info.cells_total,
            .done = info.cells_done},
           run_one, on_record);

  const int sig = interrupt_signal();
  info.status = sig ? "interrupted" : "finished";
  info.ended = results::utc_now_iso8601();
  results::write_run_info(out, info);
  fmt::print(stderr, "kmatrix: {} of {} cells recorded in {}{}\n", info.cells_done, info.cells_total,
             (out / "cells.jsonl").string(), sig ? fmt::format("; continue with: kmatrix run --resume {}", out.string()) : "");
  history::ingest_after_run(out);
  return sig ? 128 + sig : kExitOk;
}

}  // namespace kmx::runner
