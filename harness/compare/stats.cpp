#include "compare/stats.h"

#include <algorithm>
#include <cmath>

namespace kmx::compare {

Interval wilson(int successes, int trials, double z) {
  if (trials <= 0) return {0, 1};
  const double n = trials;
  const double p = successes / n;
  const double z2 = z * z;
  const double centre = p + z2 / (2 * n);
  const double spread = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  const double denom = 1 + z2 / n;
  return {std::max(0.0, (centre - spread) / denom), std::min(1.0, (centre + spread) / denom)};
}

namespace {

double log_choose(int n, int k) { return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0); }

}  // namespace

FisherP fisher_exact(int k1, int n1, int k2, int n2) {
  const int k = k1 + k2, n = n1 + n2;
  const int low = std::max(0, n2 - (n - k)), high = std::min(k, n2);
  // Hypergeometric: the candidate's failures among all failures, its samples among all.
  const auto h = [&](int x) { return std::exp(log_choose(k, x) + log_choose(n - k, n2 - x) - log_choose(n, n2)); };
  FisherP p{0, 0};
  for (int x = low; x <= high; ++x) {
    if (x <= k2) p.less += h(x);
    if (x >= k2) p.greater += h(x);
  }
  p.less = std::min(1.0, p.less);
  p.greater = std::min(1.0, p.greater);
  return p;
}

}  // namespace kmx::compare
