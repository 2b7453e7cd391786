// Predicted against observed, over finished runs: for each record, the
// model's prediction for its cell on its kernel (recomputed, so a check
// measures today's model), what the kernel did (the record's victims with
// their roles), whether the class and the first victim agree, and why not.
// Pure: records in, rows and accuracies out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "matrix/cell.h"
#include "outcome/roles.h"
#include "predict/prediction.h"
#include "results/run_results.h"

namespace kmx::predict {

struct Observed {
  PredictedClass cls = PredictedClass::no_kill;  // of the first victim's role, no-kill without victims
  std::optional<outcome::Role> first_victim;
  int kills = 0;
  int child_kills = 0;
};

// From a record's "victims" (their "role"; in records made before roles, the
// role their name tells).
Observed observed_of(const nlohmann::json& victims);

// The parameters the model reads, from a record's "parameters" (matrix::parameters_json).
matrix::Cell cell_of_parameters(const nlohmann::json& parameters);

struct CheckRow {
  std::string run;  // the run's directory or ID, as given
  std::string cell;
  std::string release;
  Prediction predicted;
  Observed observed;
  bool class_right = false;
  bool victim_right = false;  // the first victim's role (both none counts as right)
  std::string reason;         // when either is wrong: what the kernel did, what the model said
};

CheckRow check_cell(const std::string& run, const results::CellResult& cell);

struct FamilyAccuracy {
  std::string family;
  int cells = 0;
  int class_right = 0;
  int victim_right = 0;
};

// One entry per family, in the order they first appear.
std::vector<FamilyAccuracy> accuracy(const std::vector<CheckRow>& rows);

}  // namespace kmx::predict
