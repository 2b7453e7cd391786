#include "report/tables.h"

#include <fmt/format.h>

#include <algorithm>

#include "predict/prediction_check.h"
#include "report/cell_labels.h"
#include "report/cell_story.h"

namespace kmx::report {

namespace {

std::string expectation(const compare::CellGroup& g) {
  const std::string& expect = g.records.front()->expect;
  if (expect.empty()) return "";
  const bool met = std::all_of(g.records.begin(), g.records.end(), [](auto* c) { return compare::meets_expectation(*c); });
  return expect + (met ? " ✓" : " ✗");
}

// The class the run recorded as predicted, "≠ observed" where a record's
// kernel did otherwise; "" for records made before predictions.
std::string predicted(const compare::CellGroup& g) {
  const nlohmann::json& record = g.records.front()->record;
  if (!record.contains("prediction") || !record["prediction"].is_object()) return "";
  const std::string cls = record["prediction"].value("class", "");
  for (const results::CellResult* c : g.records) {
    const std::string observed(predict::to_string(predict::observed_of(c->victims).cls));
    if (cls != "unknown" && observed != cls) return cls + " ≠ " + observed;
  }
  return cls;
}

}  // namespace

std::string what_happened(const std::vector<const results::CellResult*>& records) {
  // Repeats are summed up by their outcomes; one run tells its story.
  if (records.empty()) return "-";
  return records.size() == 1 ? cell_story(*records.front()) : bucket_text(records);
}

Table seed_table(const std::vector<compare::CellGroup>& groups) {
  Table t{{"cell", "run as", "processes × size", "share of limit", "kernel", "what happened", "expected"}, {}};
  const bool with_prediction =
      std::any_of(groups.begin(), groups.end(), [](const compare::CellGroup& g) { return !predicted(g).empty(); });
  if (with_prediction) t.header.push_back("predicted");
  for (const compare::CellGroup& g : groups) {
    const results::CellResult& c = *g.records.front();
    t.rows.push_back({c.name, run_as(c), procs_by_size(c), share_of_limit(c), kernel_label(c),
                      what_happened(g.records), expectation(g)});
    if (with_prediction) t.rows.back().push_back(predicted(g));
  }
  return t;
}

Table flakiness_table(const std::vector<compare::CellGroup>& groups) {
  Table t{{"cell", "records", "outcomes", "hang rate (95% Wilson)", "flaky"}, {}};
  for (const compare::CellGroup& g : groups) {
    const compare::Distribution& d = g.distribution;
    t.rows.push_back({g.records.front()->name, std::to_string(g.records.size()), d.text(),
                      compare::rate_text(d.hangs, d.samples), d.flaky() ? "flaky" : ""});
  }
  return t;
}

Table pivot_table(const Pivot& p) {
  Table t;
  t.header.push_back(fmt::format("{} \\ {}", p.spec.rows, p.spec.cols));
  t.header.insert(t.header.end(), p.cols.begin(), p.cols.end());
  for (size_t r = 0; r < p.rows.size(); ++r) {
    std::vector<std::string> row{p.rows[r]};
    for (size_t k = 0; k < p.cols.size(); ++k) row.push_back(bucket_text(p.at(r, k)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

bool has_repeats(const std::vector<compare::CellGroup>& groups) {
  return std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.records.size() > 1; });
}

}  // namespace kmx::report
