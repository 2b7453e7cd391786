#include "compare/comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "util/error.h"

namespace kmx::compare {

namespace {

// The experiment without the kernel: what pairs a base cell with a candidate
// cell on another kernel.
nlohmann::json experiment(const results::CellResult& c) {
  nlohmann::json p = c.parameters;
  if (p.contains("run")) {
    p["run"].erase("kernel");
    p["run"].erase("modules_dir");
  }
  return p;
}

std::string experiment_key(const results::CellResult& c) { return experiment(c).dump(); }

// Does some experiment of this side run on more than one kernel?
std::optional<std::string> several_kernels(const std::vector<results::CellResult>& cells) {
  std::map<std::string, std::string> kernel_of;
  for (const results::CellResult& c : cells) {
    const auto [k, first] = kernel_of.emplace(experiment_key(c), c.kernel_spec);
    if (!first && k->second != c.kernel_spec)
      return fmt::format("cell '{}' on kernels {} and {}", c.name, k->second, c.kernel_spec);
  }
  return std::nullopt;
}

struct Side {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const results::CellResult*>> by_key;
};

Side index(const std::vector<results::CellResult>& cells, bool with_kernel) {
  Side side;
  for (const results::CellResult& c : cells) {
    const std::string key = with_kernel ? c.kernel_spec + "\n" + experiment_key(c) : experiment_key(c);
    auto [it, fresh] = side.by_key.try_emplace(key);
    if (fresh) side.order.push_back(key);
    it->second.push_back(&c);
  }
  return side;
}

struct Times {
  double mean = 0;
  double variance = 0;
  int n = 0;
};

// Headline times of the samples that ran their workload to the end.
Times times(const std::vector<const results::CellResult*>& records) {
  Times t;
  std::vector<double> xs;
  for (const results::CellResult* c : records)
    if (c->workload_ms && (c->outcome == "completed" || c->outcome == "oom-killed"))
      xs.push_back(static_cast<double>(*c->workload_ms));
  t.n = static_cast<int>(xs.size());
  if (t.n == 0) return t;
  for (double x : xs) t.mean += x / t.n;
  if (t.n > 1)
    for (double x : xs) t.variance += (x - t.mean) * (x - t.mean) / (t.n - 1);
  return t;
}

void classify_time(CellComparison& cmp, const std::vector<const results::CellResult*>& base,
                   const std::vector<const results::CellResult*>& candidate, const CompareOptions& options) {
  const Times b = times(base), c = times(candidate);
  if (b.n == 0 || c.n == 0) return;
  cmp.base_ms = b.mean;
  cmp.candidate_ms = c.mean;
  // Times are only comparable when the same thing happened on both sides.
  if (cmp.base.flaky() || cmp.candidate.flaky() || cmp.base.modal() != cmp.candidate.modal()) return;
  double noise = std::max(options.time_ratio * b.mean, static_cast<double>(options.time_floor_ms));
  if (b.n > 1 && c.n > 1) noise = std::max(noise, options.time_noise_sigmas * std::sqrt(b.variance / b.n + c.variance / c.n));
  const double diff = c.mean - b.mean;
  if (std::abs(diff) > noise) cmp.time = diff > 0 ? TimeChange::slower : TimeChange::faster;
}

void classify(CellComparison& cmp) {
  const Distribution& b = cmp.base;
  const Distribution& c = cmp.candidate;
  if (b.samples == 0 || c.samples == 0) {
    cmp.change = Change::inconclusive;
    cmp.reason = fmt::format("{} → {}: no kernel verdict on one side", b.text(), c.text());
    return;
  }
  if (!b.flaky() && !c.flaky()) {
    const int from = severity(b.modal()), to = severity(c.modal());
    cmp.change = to > from ? Change::regression : to < from ? Change::improvement : Change::unchanged;
    cmp.reason = from == to ? b.modal() : fmt::format("{} → {}", b.modal(), c.modal());
    return;
  }
  // Mixed outcomes: judged on the failure rate once every cell is seen (see judge_rates).
  cmp.change = Change::flaky;
}

// Cells with mixed outcomes: a regression (or improvement) only when Fisher's
// exact test finds the failure rate changed, at a level Bonferroni-corrected
// for the number of such cells: among a hundred flaky cells some will look
// worse by chance alone.
void judge_rates(Comparison& out, double alpha) {
  const int mixed = out.count(Change::flaky);
  for (CellComparison& cmp : out.cells) {
    if (cmp.change != Change::flaky) continue;
    const Distribution& b = cmp.base;
    const Distribution& c = cmp.candidate;
    const FisherP p = fisher_exact(b.failures, b.samples, c.failures, c.samples);
    const double level = alpha / mixed;
    cmp.change = p.greater < level ? Change::regression : p.less < level ? Change::improvement : Change::flaky;
    cmp.reason = fmt::format("failures {}/{} → {}/{} (Fisher p {:.2g} worse, {:.2g} better; level {:.2g}); {} → {}",
                             b.failures, b.samples, c.failures, c.samples, p.greater, p.less, level, b.text(), c.text());
  }
}

}  // namespace

std::string_view to_string(Change change) {
  switch (change) {
    case Change::regression: return "regression";
    case Change::improvement: return "improvement";
    case Change::unchanged: return "unchanged";
    case Change::flaky: return "flaky";
    case Change::inconclusive: return "inconclusive";
    case Change::added: return "added";
    case Change::removed: return "removed";
  }
  return "?";
}

int Comparison::count(Change change) const {
  return static_cast<int>(std::count_if(cells.begin(), cells.end(), [&](const auto& c) { return c.change == change; }));
}

int Comparison::count(TimeChange time) const {
  return static_cast<int>(std::count_if(cells.begin(), cells.end(), [&](const auto& c) { return c.time == time; }));
}

Comparison compare_runs(const std::vector<results::CellResult>& base,
                        const std::vector<results::CellResult>& candidate, const CompareOptions& options,
                        const std::map<std::string, Distribution>& base_history) {
  // Two runs of the same kernels pair kernel with kernel; one kernel against
  // another pairs the experiments; one against several is ambiguous.
  const auto base_several = several_kernels(base), candidate_several = several_kernels(candidate);
  if (base_several.has_value() != candidate_several.has_value())
    throw UsageError(fmt::format("{} holds {}: choose one with --{}-kernel",
                                 base_several ? "base" : "candidate", base_several ? *base_several : *candidate_several,
                                 base_several ? "base" : "candidate"));
  const bool with_kernel = base_several.has_value();
  const Side b = index(base, with_kernel);
  const Side c = index(candidate, with_kernel);
  Comparison out;
  auto describe = [](CellComparison& cmp, const std::vector<const results::CellResult*>& records, Distribution& d,
                     std::string& id, std::vector<const results::CellResult*>& kept) {
    for (const results::CellResult* r : records) d.add(*r);
    kept = records;
    id = records.front()->cell_id;
    if (cmp.name.empty()) cmp.name = records.front()->name;
  };
  for (const std::string& key : b.order) {
    CellComparison cmp;
    const auto& base_records = b.by_key.at(key);
    describe(cmp, base_records, cmp.base, cmp.base_id, cmp.base_records);
    if (const auto h = base_history.find(cmp.base_id); h != base_history.end())
      for (const auto& [cls, n] : h->second.counts) cmp.base.add(cls, n);
    const auto it = c.by_key.find(key);
    if (it == c.by_key.end()) {
      cmp.change = Change::removed;
      cmp.reason = cmp.base.text();
    } else {
      describe(cmp, it->second, cmp.candidate, cmp.candidate_id, cmp.candidate_records);
      classify(cmp);
      classify_time(cmp, base_records, it->second, options);
    }
    out.cells.push_back(std::move(cmp));
  }
  for (const std::string& key : c.order) {
    if (b.by_key.contains(key)) continue;
    CellComparison cmp;
    describe(cmp, c.by_key.at(key), cmp.candidate, cmp.candidate_id, cmp.candidate_records);
    cmp.change = Change::added;
    cmp.reason = cmp.candidate.text();
    out.cells.push_back(std::move(cmp));
  }
  judge_rates(out, options.alpha);
  return out;
}

std::string unpaired_cause(const std::vector<results::CellResult>& base,
                           const std::vector<results::CellResult>& candidate) {
  if (base.empty() || candidate.empty()) return fmt::format("{} holds no cell", base.empty() ? "BASE" : "CANDIDATE");
  const nlohmann::json b = experiment(base.front());
  const nlohmann::json c = experiment(candidate.front());
  for (const nlohmann::json& op : nlohmann::json::diff(b, c)) {
    const nlohmann::json::json_pointer at(op.at("path").get<std::string>());
    std::string dotted = at.to_string().substr(1);
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    const auto value = [&](const nlohmann::json& j) { return j.contains(at) ? j.at(at).dump() : "nothing"; };
    return fmt::format("their cells differ besides the kernel, in {}: {} in BASE, {} in CANDIDATE (not the same "
                       "matrix, or a different setting for each kernel?)",
                       dotted, value(b), value(c));
  }
  return "their first cells are the same experiment, yet nothing paired";
}

std::vector<results::CellResult> on_kernel(const std::vector<results::CellResult>& cells, const std::string& kernel) {
  std::vector<results::CellResult> out;
  std::set<std::string> seen;
  for (const results::CellResult& c : cells) {
    if (c.kernel_spec == kernel || c.kernel_release == kernel) out.push_back(c);
    seen.insert(c.kernel_spec);
  }
  if (out.empty())
    throw UsageError(fmt::format("no cell ran on kernel '{}' (kernels here: {})", kernel, fmt::join(seen, ", ")));
  return out;
}

}  // namespace kmx::compare
