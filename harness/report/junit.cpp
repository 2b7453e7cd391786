#include "report/junit.h"

#include <fmt/format.h>

#include "compare/distribution.h"
#include "report/cell_labels.h"
#include "report/escape.h"

namespace kmx::report {

namespace {

std::string failure_message(const results::CellResult& c) {
  std::string message = result_text(c);
  if (!c.expect.empty() && !compare::meets_expectation(c)) message = fmt::format("expected {}, got {}", c.expect, message);
  if (!c.detail.empty()) message += ": " + c.detail;
  return message;
}

// JUnit's timestamp is xs:dateTime without a zone; run.json's is UTC with a Z.
std::string junit_timestamp(std::string started) {
  if (started.ends_with('Z')) started.pop_back();
  return started.empty() ? "1970-01-01T00:00:00" : started;
}

}  // namespace

std::string junit_report(const results::RunResults& run, const EvidenceSource& evidence) {
  std::string cases;
  int failures = 0, errors = 0;
  double total_s = 0;
  for (const results::CellResult& c : run.cells) {
    const double time_s = static_cast<double>(c.cell_ms) / 1000.0;
    total_s += time_s;
    const std::string name = c.repeat ? fmt::format("{} #{}", c.name, c.repeat) : c.name;
    cases += fmt::format(R"(    <testcase name="{}" classname="{}" time="{:.3f}">)" "\n", markup_escape(name),
                         markup_escape("kmatrix." + kernel_label(c)), time_s);
    const CellStatus status = cell_status(c);
    if (status != CellStatus::pass) {
      const char* element = status == CellStatus::error ? "error" : "failure";
      (status == CellStatus::error ? errors : failures)++;
      cases += fmt::format(R"(      <{} message="{}" type="{}">{}</{}>)" "\n", element,
                           markup_escape(failure_message(c)), markup_escape(c.outcome),
                           markup_escape(excerpt_text(evidence(c).console)), element);
    }
    cases += fmt::format("      <system-out>{}</system-out>\n    </testcase>\n",
                         markup_escape(fmt::format("cell {}: {}; {} ({}); evidence {}", c.cell_id, result_text(c),
                                                   procs_by_size(c), run_as(c), c.evidence)));
  }
  const std::string suite = markup_escape("kmatrix run " + run.run_id);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"kmatrix\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" time=\"{3:.3f}\">\n"
      "  <testsuite name=\"{4}\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" skipped=\"0\" time=\"{3:.3f}\" "
      "timestamp=\"{5}\" hostname=\"{6}\">\n"
      "{7}"
      "  </testsuite>\n"
      "</testsuites>\n",
      run.cells.size(), failures, errors, total_s, suite, markup_escape(junit_timestamp(run.info.value("started", ""))),
      markup_escape(run.info.value("host", "")), cases);
}

}  // namespace kmx::report
