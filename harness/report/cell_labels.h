// The words a report uses for a cell: who the workload runs as, how much it
// asks for, which kernel, what happened. Pure; every format shares them, so a
// cell reads the same in Markdown, HTML, CSV and JUnit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "results/run_results.h"

namespace kmx::report {

std::string run_as(const results::CellResult& c);          // "root", "non-root", "uid 1234"
std::string procs_by_size(const results::CellResult& c);   // "40 × 8M"
std::string share_of_limit(const results::CellResult& c);  // one child's size / container limit: "8.33%"
std::string kernel_label(const results::CellResult& c);    // the release, else the spec
// "oom-killed: 25 wlchild", "oom-killed: 3 wlchild, 1 ctinit [wrong-victim]", "container-hang".
std::string result_text(const results::CellResult& c);
std::string victims_text(const results::CellResult& c);  // "25 wlchild, 1 ctinit", "" for none
// A victim (a record's `victims` entry) by its role, in the agent's process
// names: "ctinit", "helper", "wlparent", "wlchild", else the name the console
// printed (records without roles: that name too).
std::string victim_name(const nlohmann::json& victim);
bool is_workload_child(const nlohmann::json& victim);
std::string seconds(int64_t ms);                          // "41.2s"
// Workload time if the workload ran, else the cell's.
int64_t headline_ms(const results::CellResult& c);

// Pass or fail, as CI systems see a cell: with `expect`, the result class must
// be the expected one (compare::meets_expectation); without, a hang, panic, boot failure or wrong victim
// fails. infra-error is an error of the harness, not a kernel verdict.
enum class CellStatus { pass, fail, error };
CellStatus cell_status(const results::CellResult& c);

// Pivot dimensions: a name below, or a parameter path ("workload.procs").
// Throws UsageError listing the names for an unknown one.
std::string dimension_value(const results::CellResult& c, std::string_view dimension);
const std::vector<std::string_view>& dimension_names();

}  // namespace kmx::report
