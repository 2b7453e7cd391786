#include "runner/prepared_kernel.h"

#include <set>

#include <fmt/format.h>

#include "agent/cell_message.h"
#include "image/initramfs.h"

namespace kmx::runner {

std::map<std::string, PreparedKernel> prepare_kernels(const std::vector<matrix::Cell>& cells,
                                                      const std::filesystem::path& cache_dir) {
  // One initramfs per kernel holds the union of the modules its cells need;
  // each cell's message says which of them to load.
  std::map<std::string, std::set<std::string>> wanted;
  std::map<std::string, std::string> modules_dir;
  for (const matrix::Cell& cell : cells) {
    auto& names = wanted[cell.run.kernel];
    for (const std::string& m : agent::modules_needed(cell)) names.insert(m);
    modules_dir[cell.run.kernel] = cell.run.modules_dir;
  }

  std::map<std::string, PreparedKernel> prepared;
  for (const auto& [spec, names] : wanted) {
    fmt::print(stderr, "kmatrix: preparing kernel {}\n", spec);
    PreparedKernel p;
    p.kernel = image::resolve_kernel(spec, modules_dir[spec], cache_dir);
    p.modules = image::module_closure(p.kernel.modules_dir, {names.begin(), names.end()});
    p.initramfs = image::build_initramfs({KMATRIX_AGENT_PATH, p.modules}, cache_dir);
    fmt::print(stderr, "kmatrix: kernel {} is {} ({} module(s) in the initramfs)\n", spec, p.kernel.release,
               p.modules.size());
    prepared.emplace(spec, std::move(p));
  }
  return prepared;
}

}  // namespace kmx::runner
