#include "report/kcidb.h"

#include <fmt/format.h>

#include <set>

#include "report/cell_labels.h"
#include "util/sha256.h"
#include "util/units.h"

namespace kmx::report {

namespace {

constexpr const char* kOrigin = "kmatrix";
constexpr size_t kLogExcerptMax = 16384;  // the schema's maxLength

// KCIDB's date-time: RFC 3339 with an explicit offset.
std::string rfc3339(std::string iso) {
  if (iso.ends_with('Z')) iso = iso.substr(0, iso.size() - 1) + "+00:00";
  return iso;
}

std::string build_id(const results::RunResults& run, const results::CellResult& c) {
  return fmt::format("{}:{}-{}", kOrigin, run.run_id, util::sha256_hex(c.kernel_spec + "\n" + c.kernel_release).substr(0, 12));
}

// A test path is dot-separated; a cell name's own dots (sysctl names) must not split it.
std::string path_component(std::string name) {
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

std::string log_excerpt(const Evidence& e) {
  std::string text = excerpt_text(e.console);
  if (text.size() > kLogExcerptMax) text.resize(kLogExcerptMax);
  return text;
}

}  // namespace

std::string kcidb_report(const results::RunResults& run, const EvidenceSource& evidence) {
  const std::string started = rfc3339(run.info.value("started", ""));
  nlohmann::json checkouts = nlohmann::json::array(), builds = nlohmann::json::array(),
                 tests = nlohmann::json::array();
  std::set<std::string> seen_builds;
  for (const results::CellResult& c : run.cells) {
    const std::string build = build_id(run, c);
    if (seen_builds.insert(build).second) {
      const std::string version = c.record.value("kernel", nlohmann::json::object()).value("version", "");
      checkouts.push_back({{"id", build}, {"origin", kOrigin}, {"comment", version.empty() ? kernel_label(c) : version},
                           {"start_time", started}, {"valid", true}});
      builds.push_back({{"id", build},
                        {"checkout_id", build},
                        {"origin", kOrigin},
                        {"architecture", "x86_64"},
                        {"comment", kernel_label(c)},
                        {"start_time", started},
                        {"valid", true},
                        {"misc", {{"kernel_spec", c.kernel_spec}, {"kernel_release", c.kernel_release}}}});
    }
    const CellStatus status = cell_status(c);
    nlohmann::json test = {
        {"id", fmt::format("{}:{}-{}-{}", kOrigin, run.run_id, c.cell_id, c.repeat)},
        {"build_id", build},
        {"origin", kOrigin},
        {"path", "kmatrix.memcg_oom." + path_component(c.name)},
        {"comment", result_text(c)},
        {"status", status == CellStatus::pass ? "PASS" : status == CellStatus::fail ? "FAIL" : "ERROR"},
        {"waived", false},
        {"start_time", started},
        {"duration", static_cast<double>(c.cell_ms) / 1000.0},
        {"environment",
         {{"comment", fmt::format("QEMU {}, {} CPUs, {} RAM", c.record.value("accel", "?"),
                                  c.parameters.at("run").value("cpus", 0),
                                  util::format_size(c.parameters.at("run").value("guest_memory", uint64_t{0})))}}},
        {"misc",
         {{"cell_id", c.cell_id},
          {"repeat", c.repeat},
          {"outcome", c.outcome},
          {"flags", c.flags},
          {"victims", victims_text(c)},
          {"expect", c.expect},
          {"detail", c.detail},
          {"parameters", c.parameters}}},
    };
    if (status != CellStatus::pass) test["log_excerpt"] = log_excerpt(evidence(c));
    tests.push_back(std::move(test));
  }
  const nlohmann::json out = {{"version", {{"major", 4}, {"minor", 3}}},
                              {"checkouts", checkouts},
                              {"builds", builds},
                              {"tests", tests}};
  // Console text may hold bytes that are not UTF-8: replaced, never a throw.
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace kmx::report
