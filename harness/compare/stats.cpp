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

Interval rate_difference(int successes1, int trials1, int successes2, int trials2, double z) {
  const double p1 = trials1 > 0 ? static_cast<double>(successes1) / trials1 : 0;
  const double p2 = trials2 > 0 ? static_cast<double>(successes2) / trials2 : 0;
  const Interval w1 = wilson(successes1, trials1, z);
  const Interval w2 = wilson(successes2, trials2, z);
  const double d = p2 - p1;
  return {d - std::sqrt((p2 - w2.low) * (p2 - w2.low) + (w1.high - p1) * (w1.high - p1)),
          d + std::sqrt((w2.high - p2) * (w2.high - p2) + (p1 - w1.low) * (p1 - w1.low))};
}

}  // namespace kmx::compare
