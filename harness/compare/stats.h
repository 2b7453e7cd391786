// Rates from few samples: how often a cell hangs (with a confidence
// interval), and whether two such rates really differ. Pure arithmetic.
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

// Fisher's exact test on two rates, k1 of n1 (base) against k2 of n2
// (candidate), one-sided each way: the probability, with the table's margins
// fixed, of the candidate having at most (less) or at least (greater) k2.
// Exact, so it stays honest with one or two samples, where interval
// approximations claim too much.
struct FisherP {
  double less = 1;
  double greater = 1;
};
FisherP fisher_exact(int k1, int n1, int k2, int n2);

}  // namespace kmx::compare
