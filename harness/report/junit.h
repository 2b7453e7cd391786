// JUnit XML, as GitHub, GitLab and Jenkins display it: one testsuite per
// run, one testcase per record, failing as cell_status says (infra-error is
// an <error>). A failure's message is the verdict, its body the console excerpt.
#pragma once

#include <string>

#include "report/evidence.h"
#include "results/run_results.h"

namespace kmx::report {

std::string junit_report(const results::RunResults& run, const EvidenceSource& evidence);

}  // namespace kmx::report
