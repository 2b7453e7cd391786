#include "compare/validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace kmx::compare {

namespace {

int worst_severity(const Distribution& d) {
  int worst = -1;
  for (const auto& [cls, n] : d.counts)
    if (n > 0) worst = std::max(worst, severity(cls));
  return worst;
}

double rate(int k, int n) { return n == 0 ? 0.0 : static_cast<double>(k) / n; }

// Mixed outcomes, NEW looking worse but not significantly so.
std::optional<Unsettled> unsettled_mix(const CellComparison& c, double level) {
  const Distribution& b = c.base;
  const Distribution& n = c.candidate;
  const bool higher_rate = rate(n.failures, n.samples) > rate(b.failures, b.samples);
  if (!higher_rate && worst_severity(n) <= worst_severity(b)) return std::nullopt;
  const int repeats = repeats_to_tell(b.failures, b.samples, n.failures, n.samples, level);
  const int have = std::max(b.samples, n.samples);
  std::string settle =
      !higher_rate ? fmt::format("NEW's worst outcome is worse at the same failure rate: repeat {} more on each kernel "
                                 "to see whether it recurs", std::max(have, 3))
      : repeats > 0 ? fmt::format("repeat {} more on each kernel: if the rates hold, {} runs each tell",
                                  repeats - have, repeats)
                    : "the rates differ too little for repeats to tell: look at the evidence";
  return Unsettled{&c,
                   fmt::format("{} → {}: failures {}/{} → {}/{}, not significant at {:.2g}", b.text(), n.text(),
                               b.failures, b.samples, n.failures, n.samples, level),
                   std::move(settle)};
}

int infra_errors(const Distribution& d) {
  const auto it = d.counts.find("infra-error");
  return it == d.counts.end() ? 0 : it->second;
}

}  // namespace

std::string_view to_string(Safety safety) {
  switch (safety) {
    case Safety::safe: return "safe";
    case Safety::unsafe: return "unsafe";
    case Safety::inconclusive: return "inconclusive";
  }
  return "?";
}

int Validation::exit_code() const {
  switch (safety) {
    case Safety::safe: return kExitOk;
    case Safety::unsafe: return 1;
    case Safety::inconclusive: return kExitInconclusive;
  }
  return kExitInconclusive;
}

int repeats_to_tell(int kb, int nb, int kc, int nc, double level) {
  if (nb == 0 || nc == 0) return 0;
  for (int m = 2; m <= 20; ++m) {
    const int n = std::max(nb, nc) * m;
    const auto scaled = [&](int k, int of) { return static_cast<int>(std::lround(rate(k, of) * n)); };
    if (fisher_exact(scaled(kb, nb), n, scaled(kc, nc), n).greater < level) return n;
  }
  return 0;
}

Validation validate(const Comparison& cmp, std::vector<NotRunnable> not_runnable, double alpha) {
  Validation v;
  v.not_runnable = std::move(not_runnable);
  const auto mixed = std::count_if(cmp.cells.begin(), cmp.cells.end(), [](const CellComparison& c) {
    return c.base.samples > 0 && c.candidate.samples > 0 && (c.base.flaky() || c.candidate.flaky());
  });
  const double level = alpha / static_cast<double>(std::max<long>(mixed, 1));
  const auto could_not_run = [&](const std::string& cell, const std::string& kernel) {
    return std::any_of(v.not_runnable.begin(), v.not_runnable.end(),
                       [&](const NotRunnable& n) { return n.cell == cell && n.kernel == kernel; });
  };
  for (const CellComparison& c : cmp.cells) {
    switch (c.change) {
      case Change::regression: v.worse.push_back(&c); continue;
      case Change::improvement: v.better.push_back(&c); break;
      case Change::unchanged: v.same.push_back(&c); break;
      case Change::flaky:
        if (auto u = unsettled_mix(c, level)) v.unsettled.push_back(std::move(*u));
        else v.same.push_back(&c);
        break;
      case Change::inconclusive:
        v.unsettled.push_back({&c, c.reason, "run the cell again; its evidence says what failed around the kernel"});
        continue;
      // A cell one kernel could not run is told once, by its not_runnable entry.
      case Change::removed:
        if (!could_not_run(c.name, "NEW")) v.unsettled.push_back({&c, "ran on OLD only", "run it on NEW"});
        continue;
      case Change::added:
        if (!could_not_run(c.name, "OLD"))
          v.unsettled.push_back({&c, "ran on NEW only", "run it on OLD: there is nothing to compare against"});
        continue;
    }
    const int errors = infra_errors(c.base) + infra_errors(c.candidate);
    if (errors > 0)
      v.unsettled.push_back({&c, fmt::format("{} infra-error(s) beside the verdicts", errors),
                             "run the cell again; an infra-error says nothing about the kernel"});
  }
  v.safety = !v.worse.empty()                                    ? Safety::unsafe
             : !v.unsettled.empty() || !v.not_runnable.empty()   ? Safety::inconclusive
             : cmp.paired() == 0                                 ? Safety::inconclusive
                                                                 : Safety::safe;
  return v;
}

}  // namespace kmx::compare
