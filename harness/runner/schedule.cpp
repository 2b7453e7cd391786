#include "runner/schedule.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "util/error.h"

namespace kmx::runner {

Shard parse_shard(const std::string& text) {
  Shard s;
  const auto slash = text.find('/');
  const auto parse = [&](std::string_view part, int& out) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  const std::string_view view(text);
  if (slash == std::string::npos || !parse(view.substr(0, slash), s.index) || !parse(view.substr(slash + 1), s.count) ||
      s.count < 1 || s.index < 1 || s.index > s.count)
    throw UsageError(fmt::format("--shard {}: expected I/N with 1 <= I <= N, e.g. 2/4", text));
  return s;
}

bool in_shard(const std::string& cell_id, const Shard& shard) {
  // Cell IDs are SHA-256 prefixes: their first 8 hex digits are uniform.
  const uint32_t h = static_cast<uint32_t>(std::stoul(cell_id.substr(0, 8), nullptr, 16));
  return static_cast<int>(h % static_cast<uint32_t>(shard.count)) == shard.index - 1;
}

int repeats_of(const matrix::Cell& cell, int repeat) { return repeat > 0 ? repeat : cell.run.repeat; }

std::vector<CellRun> plan_runs(const std::vector<matrix::Cell>& cells, int repeat, const Shard& shard,
                               const std::set<RunKey>& done) {
  std::map<std::string, size_t> kernel_rank;
  for (const matrix::Cell& c : cells) kernel_rank.emplace(c.run.kernel, kernel_rank.size());

  std::vector<const matrix::Cell*> ordered;
  for (const matrix::Cell& c : cells) ordered.push_back(&c);
  std::stable_sort(ordered.begin(), ordered.end(), [&](const matrix::Cell* a, const matrix::Cell* b) {
    return kernel_rank.at(a->run.kernel) < kernel_rank.at(b->run.kernel);
  });

  std::vector<CellRun> runs;
  for (const matrix::Cell* c : ordered) {
    const std::string id = matrix::cell_id(*c);
    if (!in_shard(id, shard)) continue;
    for (int r = 0; r < repeats_of(*c, repeat); ++r)
      if (!done.contains({id, r})) runs.push_back({c, id, r});
  }
  return runs;
}

namespace {

constexpr uint64_t kQemuOwn = 128ull << 20;

}  // namespace

uint64_t host_memory_for(const matrix::Cell& cell) { return cell.run.guest_memory + kQemuOwn; }

uint64_t host_memory_restored(const matrix::Cell& cell) {
  const uint64_t container = std::max(cell.container.limit, cell.container.memsw_limit) + cell.guest.swap;
  // Task structs, stacks, page tables and the slab the workload's processes
  // bring, and the kernel's own writes between cells (measured: tens of MiB).
  const uint64_t kernel = (64ull << 20) + static_cast<uint64_t>(cell.workload.procs) * (64ull << 10);
  return std::min(cell.run.guest_memory, container + kernel) + kQemuOwn;
}

int default_jobs(int host_cpus, uint64_t host_available, const std::vector<CellRun>& runs) {
  int widest = 1;
  uint64_t largest = 0;
  for (const CellRun& r : runs) {
    widest = std::max(widest, r.cell->run.cpus);
    largest = std::max(largest, host_memory_for(*r.cell));
  }
  int jobs = std::max(1, host_cpus / widest);
  if (largest > 0) {
    const uint64_t budget = host_available > kHostReserve ? host_available - kHostReserve : 0;
    jobs = std::min<int>(jobs, static_cast<int>(std::max<uint64_t>(1, budget / largest)));
  }
  return jobs;
}

bool MemoryBudget::try_take(uint64_t need) {
  if (used_ + need > budget_) return false;
  used_ += need;
  return true;
}

}  // namespace kmx::runner
