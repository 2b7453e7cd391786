#include "runner/prepared_kernel.h"

#include <algorithm>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "agent/cell_message.h"
#include "image/initramfs.h"
#include "image/kernel_check.h"

namespace kmx::runner {

void add_needs(image::CellNeeds& needs, const matrix::Cell& cell) {
  const bool v1 = cell.container.cgroup == "v1";
  needs.cgroup_v1 |= v1;
  needs.cgroup_v2 |= !v1;
  needs.swap_accounting |= cell.container.memsw_limit != 0;
  needs.pid_namespace |= cell.container.pid_namespace;
}

image::CellNeeds cell_needs(const matrix::Cell& cell) {
  image::CellNeeds needs;
  add_needs(needs, cell);
  needs.modules = agent::modules_needed(cell);
  return needs;
}

std::map<std::string, PreparedKernel> prepare_kernels(const std::vector<matrix::Cell>& cells,
                                                      const std::filesystem::path& cache_dir) {
  // One initramfs per kernel holds the union of the modules its cells need;
  // each cell's message says which of them to load.
  std::map<std::string, std::set<std::string>> wanted;
  std::map<std::string, std::string> modules_dir;
  std::map<std::string, image::CellNeeds> needs;
  for (const matrix::Cell& cell : cells) {
    auto& names = wanted[cell.run.kernel];
    for (const std::string& m : agent::modules_needed(cell)) names.insert(m);
    modules_dir[cell.run.kernel] = cell.run.modules_dir;
    add_needs(needs[cell.run.kernel], cell);
  }

  std::map<std::string, PreparedKernel> prepared;
  for (const auto& [spec, names] : wanted) {
    fmt::print(stderr, "kmatrix: preparing kernel {}\n", spec);
    PreparedKernel p;
    p.kernel = image::resolve_kernel(spec, modules_dir[spec], cache_dir);
    needs[spec].modules = {names.begin(), names.end()};
    p.built_in = image::require_runnable(p.kernel, needs[spec]).check.built_in;
    std::vector<std::string> to_load;
    std::ranges::set_difference(names, p.built_in, std::back_inserter(to_load));
    p.modules = image::module_closure(p.kernel.modules_dir, to_load);
    p.initramfs = image::build_initramfs({KMATRIX_AGENT_PATH, p.modules}, cache_dir);
    fmt::print(stderr, "kmatrix: kernel {} is {} ({} module(s) in the initramfs)\n", spec, p.kernel.release,
               p.modules.size());
    prepared.emplace(spec, std::move(p));
  }
  return prepared;
}

}  // namespace kmx::runner
