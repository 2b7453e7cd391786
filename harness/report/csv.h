// CSV for spreadsheets: one row per record, RFC 4180 quoting, a header row.
#pragma once

#include <string>

#include "results/run_results.h"

namespace kmx::report {

std::string csv_report(const results::RunResults& run);

}  // namespace kmx::report
