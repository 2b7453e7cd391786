// One self-contained HTML page (no script, no network: a Content-Security-
// Policy forbids both): the matrix as a heatmap coloured by outcome, the
// seed post's table, and per cell its evidence (console excerpt around the
// OOM report, the agent's counters as an SVG chart). Every string from the
// run is escaped, so a cell name or console line holding markup shows as text.
#pragma once

#include <string>

#include "report/evidence.h"
#include "report/pivot.h"
#include "results/run_results.h"

namespace kmx::report {

std::string html_report(const results::RunResults& run, const PivotSpec& pivot, const EvidenceSource& evidence);

}  // namespace kmx::report
