// `kmatrix predict MATRIX`: what each cell's kernel will do before booting it
// (predict/prediction.h), and `kmatrix predict --check RUN...`: how often
// that was right on finished runs. No VM; kernels are looked up, not fetched.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/run_source.h"
#include "image/kernel.h"
#include "matrix/matrix_file.h"
#include "predict/prediction.h"
#include "predict/prediction_check.h"
#include "util/error.h"

namespace kmx::cli {

namespace {

struct PredictOptions {
  std::vector<std::string> args;
  std::vector<std::string> kernels;
  bool json = false;
  bool check = false;
  std::filesystem::path cache_dir;
  std::filesystem::path db;
};

struct KernelModel {
  std::string release;  // "" when unknown without a fetch
  std::optional<predict::OomRules> rules;
};

KernelModel kernel_model(const std::string& spec, const std::filesystem::path& cache) {
  KernelModel k;
  if (const auto release = image::known_release(spec, cache)) {
    k.release = *release;
    k.rules = predict::oom_rules_of(*release);
  }
  return k;
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

void print_prediction(const std::string& cell, const std::string& spec, const KernelModel& k,
                      const predict::Prediction& p) {
  fmt::print("{} on {} ({}, {}): {}\n", cell, spec, k.release.empty() ? "release unknown until fetched" : k.release,
             p.family, to_string(p.predicted));
  if (!p.scores.empty()) {
    fmt::print("  {:<7} {:>4} {:>7} {:>6} {:>5} {:>8} {:>6} {:>6}\n", "task", "root", "rss", "swap", "ptes", "points",
               "shown", "/proc");
    for (const predict::RoleScore& s : p.scores)
      fmt::print("  {:<7} {:>4} {:>7} {:>6} {:>5} {:>8} {:>6} {:>6}\n", outcome::to_string(s.role), yes_no(s.root),
                 s.memory.rss, s.memory.swap, s.memory.pagetables, s.points, s.shown, s.proc);
  }
  if (!p.ranking.empty()) fmt::print("  ranking: {}\n", p.ranking);
  if (p.chosen) {
    fmt::print("  chosen: {}{}; first victims: {}\n", outcome::to_string(*p.chosen),
               p.ties_with_init ? " (a child ties with the init)" : "", predict::victims_text(p.victims));
  }
  fmt::print("  why: {}\n", p.why);
}

int predict_matrix(const PredictOptions& o) {
  if (o.args.size() != 1) throw UsageError("predict takes one matrix file (or --check RUN...)");
  const matrix::Matrix m = matrix::load_matrix(o.args.front());
  const std::filesystem::path cache = o.cache_dir.empty() ? image::default_cache_dir() : o.cache_dir;
  std::map<std::string, KernelModel> kernels;  // each kernel looked up once
  nlohmann::json out = nlohmann::json::array();
  for (const matrix::Cell& cell : m.cells) {
    const std::vector<std::string> specs = o.kernels.empty() ? std::vector<std::string>{cell.run.kernel} : o.kernels;
    for (const std::string& spec : specs) {
      auto it = kernels.find(spec);
      if (it == kernels.end()) it = kernels.emplace(spec, kernel_model(spec, cache)).first;
      const predict::Prediction p = predict::predict(cell, it->second.rules);
      if (o.json)
        out.push_back({{"cell", cell.name}, {"cell_id", matrix::cell_id(cell)}, {"kernel", spec},
                       {"release", it->second.release}, {"prediction", predict::to_json(p)}});
      else
        print_prediction(cell.name, spec, it->second, p);
    }
  }
  if (o.json) fmt::print("{}\n", out.dump(2));
  return kExitOk;
}

std::string percent(int n, int of) { return of ? fmt::format("{} ({:.0f}%)", n, 100.0 * n / of) : "-"; }

int check_runs(const PredictOptions& o) {
  if (o.args.empty()) throw UsageError("predict --check needs at least one run directory or run ID");
  std::vector<predict::CheckRow> rows;
  for (const std::string& run : o.args)
    for (const results::CellResult& cell : load_run(run, o.db).cells) rows.push_back(predict::check_cell(run, cell));
  const std::vector<predict::FamilyAccuracy> acc = predict::accuracy(rows);
  if (o.json) {
    nlohmann::json j = {{"families", nlohmann::json::array()}, {"cells", nlohmann::json::array()}};
    for (const predict::FamilyAccuracy& a : acc)
      j["families"].push_back({{"family", a.family}, {"cells", a.cells}, {"class_right", a.class_right},
                               {"first_victim_right", a.victim_right}});
    for (const predict::CheckRow& r : rows)
      j["cells"].push_back({{"run", r.run}, {"cell", r.cell}, {"release", r.release},
                            {"predicted", to_string(r.predicted.predicted)}, {"observed", to_string(r.observed.cls)},
                            {"class_right", r.class_right}, {"first_victim_right", r.victim_right},
                            {"reason", r.reason}});
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  fmt::print("{:<11} {:>5} {:>14} {:>18}\n", "family", "cells", "class right", "first victim right");
  for (const predict::FamilyAccuracy& a : acc)
    fmt::print("{:<11} {:>5} {:>14} {:>18}\n", a.family, a.cells, percent(a.class_right, a.cells),
               percent(a.victim_right, a.cells));
  for (const predict::CheckRow& r : rows)
    if (!r.reason.empty())
      fmt::print("wrong: {} {} ({}): predicted {}, observed {}: {}\n", r.run, r.cell, r.release,
                 to_string(r.predicted.predicted), to_string(r.observed.cls), r.reason);
  return kExitOk;
}

}  // namespace

Command add_predict_command(CLI::App& app) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* cmd = app.add_subcommand(
      "predict", "Predict, without a VM, whom each cell's kernel will OOM-kill (scores per task, ranking, first "
                 "victims, class), or with --check compare predictions with finished runs");
  cmd->add_option("args", o->args, "A matrix file; with --check, run directories or run IDs")->required();
  CLI::Option* kernel = cmd->add_option("--kernel", o->kernels,
                  "Predict for this kernel (catalog name, cached SHA-256 prefix or bzImage path) instead of each "
                  "cell's; repeatable");
  cmd->add_flag("--json", o->json, "Print JSON instead of tables");
  cmd->add_flag("--check", o->check,
                "Compare the model with finished runs: accuracy of the class and the first victim per scoring "
                "family, and the cells it got wrong with the reason (each record's own kernel)")
      ->excludes(kernel);
  cmd->add_option("--cache", o->cache_dir, "kmatrix cache the kernels are looked up in (default: $XDG_CACHE_HOME/kmatrix)");
  cmd->add_option("--db", o->db, "History database for run IDs (default: $XDG_DATA_HOME/kmatrix/history.sqlite)");
  return [o] { return o->check ? check_runs(*o) : predict_matrix(*o); };
}

}  // namespace kmx::cli
