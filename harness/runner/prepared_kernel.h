// A kernel made ready to boot cells: resolved (downloaded or checked), the
// modules its cells need (with their dependencies), and an initramfs holding
// the agent and those modules. Done once per kernel, before any VM starts, so
// a kernel that cannot work fails the run up front.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "image/kernel.h"
#include "image/modules.h"
#include "matrix/cell.h"

namespace kmx::runner {

struct PreparedKernel {
  image::Kernel kernel;
  std::vector<image::Module> modules;  // load order; all in the initramfs
  std::set<std::string> built_in;      // drivers the cells need that are built in: sized on the command line
  std::filesystem::path initramfs;
};

// What a kernel must have for this cell (add_needs: the union over cells, drivers apart).
void add_needs(image::CellNeeds& needs, const matrix::Cell& cell);
image::CellNeeds cell_needs(const matrix::Cell& cell);

// Keyed by the cells' kernel spec (cell.run.kernel).
std::map<std::string, PreparedKernel> prepare_kernels(const std::vector<matrix::Cell>& cells,
                                                      const std::filesystem::path& cache_dir);

}  // namespace kmx::runner
