// Package paired compares two controllers evaluated on the same episodes:
// return a[i] and b[i] come from the same start state (and training seed),
// so their differences d[i] = b[i] − a[i] carry the comparison. It gives a
// sign-flip permutation test of "no difference" and a bootstrap interval
// of the mean difference, both seeded, so that "better", "worse" and "the
// same" in a figure or table mean something a reader can check.
package paired

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Comparison is the outcome of Compare.
type Comparison struct {
	// N is the number of pairs; MeanDiff the mean of b − a and
	// MedianDiff its median.
	N          int
	MeanDiff   float64
	MedianDiff float64
	// Low and High bound the bootstrap interval of the mean difference at
	// Level (0.95: the 2.5% and 97.5% quantiles of Rounds resamples).
	Low, High, Level float64
	// P is the two-sided p-value of the sign-flip permutation test of a
	// zero mean difference (exact when 2^N ≤ Rounds, else from Rounds
	// random sign patterns, counting the observed one).
	P float64
	// Rounds is the number of resamples and sign patterns drawn.
	Rounds int
}

// MinP returns the smallest p-value the sign-flip test can give with N
// pairs: 2/2^N, every difference of one sign (1/(Rounds+1) where the sign
// patterns are sampled).
func (c Comparison) MinP() float64 {
	if c.N < 31 && 1<<c.N <= c.Rounds {
		return 2 / float64(int(1)<<c.N)
	}
	return 1 / float64(c.Rounds+1)
}

// Verdict says "better" (b above a: the interval above 0 and P < 1 − Level),
// "worse" (below) or "no clear difference"; with so few pairs that the
// test cannot reach P < 1 − Level whatever the returns (N ≤ 5 at the 95%
// level), it says so instead of "no clear difference".
func (c Comparison) Verdict() string {
	alpha := 1 - c.Level
	switch {
	case c.MinP() >= alpha:
		return fmt.Sprintf("too few pairs to tell (n = %d: the permutation test's p is at least %.3g)", c.N, c.MinP())
	case c.P < alpha && c.Low > 0:
		return "better"
	case c.P < alpha && c.High < 0:
		return "worse"
	}
	return "no clear difference"
}

// String is a one-line summary for tables and logs.
func (c Comparison) String() string {
	return fmt.Sprintf("mean difference %+.1f [%.1f, %.1f] (%g%% bootstrap), median %+.1f, permutation p = %.3g, n = %d: %s",
		c.MeanDiff, c.Low, c.High, 100*c.Level, c.MedianDiff, c.P, c.N, c.Verdict())
}

// Compare compares b with a, pair by pair, with rounds (≥ 100) bootstrap
// resamples and sign patterns drawn from seed, and an interval at level
// (in (0, 1)). It returns an error for fewer than 2 pairs, lengths that
// differ, or a value that is not finite.
func Compare(a, b []float64, level float64, rounds int, seed uint64) (Comparison, error) {
	switch {
	case len(a) != len(b):
		return Comparison{}, fmt.Errorf("paired.Compare: %d and %d values, want pairs", len(a), len(b))
	case len(a) < 2:
		return Comparison{}, fmt.Errorf("paired.Compare: %d pairs, want at least 2", len(a))
	case !(level > 0 && level < 1):
		return Comparison{}, fmt.Errorf("paired.Compare: level = %g, want 0 < level < 1", level)
	case rounds < 100:
		return Comparison{}, fmt.Errorf("paired.Compare: rounds = %d, want ≥ 100", rounds)
	}
	n := len(a)
	d := make([]float64, n)
	for i := range a {
		if math.IsNaN(a[i]) || math.IsInf(a[i], 0) || math.IsNaN(b[i]) || math.IsInf(b[i], 0) {
			return Comparison{}, fmt.Errorf("paired.Compare: pair %d is (%g, %g), want finite values", i, a[i], b[i])
		}
		d[i] = b[i] - a[i]
	}
	c := Comparison{N: n, MeanDiff: mean(d), MedianDiff: median(d), Level: level, Rounds: rounds}
	rng := tensor.NewRNG(seed)

	// Bootstrap of the mean difference: resample pairs with replacement.
	means := make([]float64, rounds)
	for r := range rounds {
		s := 0.0
		for range n {
			s += d[rng.Intn(n)]
		}
		means[r] = s / float64(n)
	}
	slices.Sort(means)
	c.Low = quantile(means, (1-level)/2)
	c.High = quantile(means, 1-(1-level)/2)

	// Sign flips: under "no difference" each pair's sign is a coin toss.
	obs := math.Abs(c.MeanDiff)
	tol := 1e-12 * (1 + obs)
	extreme := 0
	if n < 31 && 1<<n <= rounds {
		for mask := range 1 << n {
			if math.Abs(flipped(d, func(i int) bool { return mask>>i&1 == 1 })) >= obs-tol {
				extreme++
			}
		}
		c.P = float64(extreme) / float64(int(1)<<n)
		c.Rounds = rounds
		return c, nil
	}
	for range rounds {
		if math.Abs(flipped(d, func(int) bool { return rng.Uniform() < 0.5 })) >= obs-tol {
			extreme++
		}
	}
	c.P = float64(extreme+1) / float64(rounds+1)
	return c, nil
}

// flipped returns the mean of d with the signs of the pairs flip says
// flipped.
func flipped(d []float64, flip func(i int) bool) float64 {
	s := 0.0
	for i, v := range d {
		if flip(i) {
			v = -v
		}
		s += v
	}
	return s / float64(len(d))
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// median returns the median of v (the mean of the middle two for an even
// length).
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Median returns the median of v; it returns an error for no values.
func Median(v []float64) (float64, error) {
	if len(v) == 0 {
		return 0, errors.New("paired.Median: no values")
	}
	return median(v), nil
}

// quantile returns the q-quantile of sorted s by linear interpolation.
func quantile(s []float64, q float64) float64 {
	pos := q * float64(len(s)-1)
	i := int(math.Floor(pos))
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	f := pos - float64(i)
	return s[i]*(1-f) + s[i+1]*f
}
