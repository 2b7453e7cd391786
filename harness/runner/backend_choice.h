// Which VM backend runs a run's cells, and on which libvirt hosts: the
// command line (--backend, --connect) over the matrix (run.backend,
// run.connect). One run uses one backend and one set of hosts. Pure.
#pragma once

#include <string>
#include <vector>

#include "matrix/cell.h"

namespace kmx::runner {

struct BackendChoice {
  std::string name;               // qemu | libvirt
  std::vector<std::string> uris;  // libvirt: each host once, qemu:///system by default; qemu: none
};

// UsageError (exit 2) naming `matrix_file` or the option when the cells
// disagree, or hosts are named for the qemu backend or named twice.
BackendChoice choose_backend(const std::string& backend_flag, const std::vector<std::string>& connect_flag,
                             const std::vector<matrix::Cell>& cells, const std::string& matrix_file);

}  // namespace kmx::runner
