// Confidence intervals for rates from few samples: how often a cell hangs,
// and whether two such rates really differ. Pure arithmetic.
#pragma once

namespace kmx::compare {

struct Interval {
  double low = 0;
  double high = 1;
};

// 95% two-sided normal quantile.
inline constexpr double kZ95 = 1.959963984540054;

// Wilson score interval for `successes` out of `trials` (no continuity
// correction). trials == 0 gives [0, 1]: nothing is known.
Interval wilson(int successes, int trials, double z = kZ95);

// Newcombe's hybrid score interval (1998, method 10) for p2 - p1, built
// from the two Wilson intervals. An interval above 0 means rate 2 is
// significantly higher.
Interval rate_difference(int successes1, int trials1, int successes2, int trials2, double z = kZ95);

}  // namespace kmx::compare
