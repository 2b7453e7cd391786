// KCIDB (KernelCI's common results database) I/O schema v4.3: each kernel
// of the run is a checkout and a build, each record a test whose status
// follows cell_status (PASS, FAIL, ERROR). IDs are "kmatrix:<run>-...".
// For people who feed KernelCI with `kcidb-submit`.
#pragma once

#include <string>

#include "report/evidence.h"
#include "results/run_results.h"

namespace kmx::report {

std::string kcidb_report(const results::RunResults& run, const EvidenceSource& evidence);

}  // namespace kmx::report
