#include "report/csv.h"

#include <fmt/format.h>

#include "report/cell_labels.h"
#include "report/escape.h"

namespace kmx::report {

std::string csv_report(const results::RunResults& run) {
  std::string out =
      "run_id,cell_id,repeat,name,kernel,run_as,procs,size_bytes,limit_bytes,share_of_limit,outcome,victims,flags,"
      "expect,workload_ms,cell_ms,detail\r\n";
  for (const results::CellResult& c : run.cells) {
    const nlohmann::json& w = c.parameters.at("workload");
    const std::vector<std::string> fields = {
        csv_field(run.run_id),
        csv_field(c.cell_id),
        std::to_string(c.repeat),
        csv_field(c.name),
        csv_field(kernel_label(c)),
        csv_field(run_as(c)),
        w.at("procs").dump(),
        w.at("size").dump(),
        c.parameters.at("container").at("limit").dump(),
        csv_field(share_of_limit(c)),
        csv_field(c.outcome),
        csv_field(victims_text(c)),
        csv_field(fmt::format("{}", fmt::join(c.flags, " "))),
        csv_field(c.expect),
        c.workload_ms ? std::to_string(*c.workload_ms) : "",
        std::to_string(c.cell_ms),
        csv_field(c.detail),
    };
    out += fmt::format("{}\r\n", fmt::join(fields, ","));
  }
  return out;
}

}  // namespace kmx::report
