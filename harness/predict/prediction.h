// What a kernel will do with a cell, computed before booting: the score each
// kind of task of the container gets, the ranking, the first victims in
// order (with "sacrifice child" substitution where the kernel has it) and a
// class, with one line of why. Pure: the kernel comes as its OomRules
// (nullopt: a kernel no family covers, "unknown: no model").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "matrix/cell.h"
#include "outcome/roles.h"
#include "predict/container_model.h"
#include "predict/oom_rules.h"

namespace kmx::predict {

enum class PredictedClass { workload_killed, wrong_victim, no_kill, unknown };
// "workload-killed", "wrong-victim", "no-kill", "unknown"
std::string_view to_string(PredictedClass c);

struct RoleScore {
  outcome::Role role = outcome::Role::other;
  bool root = false;
  TaskMemory memory;
  int64_t points = 0;  // the kernel's ranking value
  int64_t shown = 0;   // as the choice line prints it
  int64_t proc = 0;    // as /proc/PID/oom_score shows it
};

struct Prediction {
  std::string family = "unknown";  // image::to_string(OomFamily), or "unknown"
  int64_t totalpages = 0;
  std::vector<RoleScore> scores;  // init, helper, parent, a full child (the tasks of each kind score alike)
  std::optional<outcome::Role> chosen;   // the first OOM's chosen task
  std::string ranking;                   // "child 13 > init 1 = helper 1 = parent 1"
  bool ties_with_init = false;           // a workload child's points equal the init's or a helper's
  std::vector<outcome::Role> victims;    // the first kills, in order
  PredictedClass predicted = PredictedClass::unknown;
  std::string why;  // one line
};

// How many kills `predict` plays out.
inline constexpr int kPredictedKills = 4;

Prediction predict(const matrix::Cell& cell, const std::optional<OomRules>& rules);

// "helper, helper, parent"
std::string victims_text(const std::vector<outcome::Role>& victims);

nlohmann::json to_json(const Prediction& p);

}  // namespace kmx::predict
