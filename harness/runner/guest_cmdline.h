// The guest kernel's command line for a cell. Pure.
#pragma once

#include <string>

#include "matrix/cell.h"

namespace kmx::runner {

// `brd_built_in`: the kernel has brd built in (kernel_check.h's built_in), so
// no module parameters size the swap disk and the command line must.
std::string guest_cmdline(const matrix::Cell& cell, bool brd_built_in);

}  // namespace kmx::runner
