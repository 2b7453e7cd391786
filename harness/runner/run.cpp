#include "runner/run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

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
#include "runner/cell_pool.h"
#include "runner/cell_session.h"
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

// One backend kind runs all of a run's cells: --backend, else the cells'
// run.backend. libvirt: one backend per --connect host.
std::vector<std::unique_ptr<vm::Backend>> make_backends(const RunOptions& o, const std::vector<matrix::Cell>& cells,
                                                        const fs::path& out) {
  std::string name = o.backend;
  for (const matrix::Cell& c : cells)
    if (name.empty()) name = c.run.backend;
    else if (o.backend.empty() && c.run.backend != name)
      throw UsageError(fmt::format("{}: cells use both run.backend \"{}\" and \"{}\"; one run uses one backend "
                                   "(set run.backend once, or give --backend)",
                                   o.matrix_file.string(), name, c.run.backend));
  std::vector<std::unique_ptr<vm::Backend>> backends;
  if (name != "libvirt") {
    if (!o.connect.empty()) throw UsageError("--connect is for --backend libvirt");
    backends.push_back(std::make_unique<vm::QemuBackend>());
    return backends;
  }
  // The run's ID tags its domains: the same for the run directory when resumed.
  const std::string run_id = util::sha256_hex(fs::weakly_canonical(out).string()).substr(0, 8);
  for (const std::string& uri : o.connect.empty() ? std::vector<std::string>{"qemu:///system"} : o.connect) {
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

// "[2/3] exceeds (ab12...) -> oom-killed [wrong-victim] in 41.2s (expected completed)"
std::string summary_line(const std::string& label, const nlohmann::json& record) {
  const std::string outcome = record.at("outcome").get<std::string>();
  std::string flags;
  for (const auto& flag : record.at("flags")) flags += (flags.empty() ? "" : ",") + flag.get<std::string>();
  std::string line = fmt::format("{} -> {}{} in {:.1f}s", label, outcome, flags.empty() ? "" : " [" + flags + "]",
                                 record.at("timings").at("cell_ms").get<double>() / 1000.0);
  const results::CellResult result = results::cell_result(record);
  if (!result.expect.empty() && !compare::meets_expectation(result)) line += fmt::format(" (expected {})", result.expect);
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
  // The hosts first: a libvirt host that does not answer is told before kernels are prepared.
  const fs::path out = resuming ? given.resume_dir : options.out_dir.empty() ? default_out_dir() : options.out_dir;
  const std::vector<std::unique_ptr<vm::Backend>> backends = make_backends(options, m.cells, out);
  const auto kernels = prepare_kernels(to_prepare, cache_dir);
  // Each host's jobs and budget are its own; --jobs applies to each.
  std::string qemu_version;
  std::vector<HostLimits> hosts;
  for (const auto& b : backends) {
    qemu_version += (qemu_version.empty() ? "" : "; ") + b->version();
    const vm::HostCapacity capacity = b->capacity();
    const uint64_t budget = capacity.available_memory > kHostReserve ? capacity.available_memory - kHostReserve : 0;
    hosts.push_back({.jobs = options.jobs > 0 ? options.jobs : default_jobs(capacity.cpus, capacity.available_memory, runs),
                     .memory_budget = budget});
  }
  const size_t roomiest = static_cast<size_t>(
      std::max_element(hosts.begin(), hosts.end(), [](const HostLimits& a, const HostLimits& b) {
        return a.memory_budget < b.memory_budget;
      }) - hosts.begin());
  // Snapshots are per backend: a guest saved by one hypervisor restores only there.
  std::vector<std::unique_ptr<SnapshotCache>> snapshots;
  for (const auto& b : backends) snapshots.push_back(std::make_unique<SnapshotCache>(*b, cache_dir));
  for (const CellRun& r : runs)
    if (host_memory_for(*r.cell) > hosts[roomiest].memory_budget)
      throw HostError(fmt::format("cell {} needs {} MiB of host memory; {} MiB are available beyond the {} MiB reserve{}",
                                  r.cell->name, host_memory_for(*r.cell) >> 20, hosts[roomiest].memory_budget >> 20,
                                  kHostReserve >> 20,
                                  backends[roomiest]->host().empty() ? "" : " on " + backends[roomiest]->host()));
  int jobs = 0;
  for (const HostLimits& h : hosts) jobs += h.jobs;
  // The KVM probe boots a VM: decided per kernel before the cells run in parallel.
  std::map<std::pair<std::string, std::string>, std::string> accel;  // (kernel, requested) -> kvm|tcg
  const auto accel_key = [](const matrix::Cell& c) { return std::pair{c.run.kernel, c.run.accel}; };
  for (const CellRun& r : runs)
    if (!accel.contains(accel_key(*r.cell)))
      accel[accel_key(*r.cell)] = choose_accel(r.cell->run.accel, *backends.front(), kernels.at(r.cell->run.kernel), cache_dir);

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
  };
  for (const auto& [key, a] : accel) info.accel = info.accel.empty() || info.accel == a ? a : "mixed";
  results::write_run_info(out, info);
  results::CellsLog log(out);
  fmt::print(stderr, "kmatrix: {} run(s) to do{}, {} at once\n", runs.size(),
             resuming ? fmt::format(" ({} already recorded)", info.cells_done) : "", jobs);

  const auto job_of = [&](const CellRun& run, const Slot& slot) -> CellJob {
    return {*run.cell, kernels.at(run.cell->run.kernel), accel.at(accel_key(*run.cell)), out / evidence_rel(run),
            evidence_rel(run), run.repeat, snapshots.at(slot.host).get(), slot.charged};
  };
  const RunOne run_one = [&](const CellRun& run, const Slot& slot, const Progress& progress) {
    const CellJob job = job_of(run, slot);
    if (fs::exists(job.evidence_dir)) fs::remove_all(job.evidence_dir);  // an aborted attempt's partial evidence
    fs::create_directories(job.evidence_dir);
    return run_cell(*backends.at(slot.host), job, progress);
  };
  // A guest restored from a snapshot that QEMU maps copy-on-write takes only
  // the pages it writes; one whose snapshot is still to be made boots, and
  // one restored through libvirt loads, taking all its RAM. Charges are per
  // run, not per host: the first host's backend is every host's.
  const auto charge = [&](const CellRun& run) {
    return backends.front()->restores_share_memory() && restores_now(*backends.front(), job_of(run, {}))
               ? host_memory_restored(*run.cell)
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
