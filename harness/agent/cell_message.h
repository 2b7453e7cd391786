// The `cell` message: a cell's parameters as the agent receives them after
// `ready` (never baked into the initramfs, so one booted guest can serve
// many cells).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "image/modules.h"
#include "matrix/cell.h"

namespace kmx::agent {

// brd's ram disk is the swap device: a plain block device in guest RAM that,
// unlike zram, does not compress the workload's zero-filled pages away.
inline constexpr const char* kSwapModule = "brd";
inline constexpr const char* kSwapDevice = "/dev/ram0";

// The size of brd's disk for the cell's swap, in KiB (brd's rd_size unit):
// a module parameter, or on the command line when brd is built in.
inline std::uint64_t swap_disk_kib(const matrix::Cell& cell) { return cell.guest.swap >> 10; }

// Modules the cell needs loaded (before closure), e.g. {"brd"} when it has swap.
std::vector<std::string> modules_needed(const matrix::Cell& cell);

// Fields of the `cell` message. `modules` is the load-ordered closure, all of
// them in the initramfs's /lib/kmatrix.
std::vector<std::pair<std::string, std::string>> cell_fields(const matrix::Cell& cell,
                                                             const std::vector<image::Module>& modules);

}  // namespace kmx::agent
