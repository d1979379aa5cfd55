package cem

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Config holds the settings of a CEM or DCEM solve. The zero value is not
// valid: Samples, Elites and Iters must be set.
type Config struct {
	// Samples is S, the number of samples drawn per iteration (S ≥ 2).
	Samples int
	// Elites is k, the number of elite samples (1 ≤ k < S).
	Elites int
	// Iters is T, the number of iterations (T ≥ 1).
	Iters int
	// Temp is the temperature τ of the soft top-k (τ ≥ 0), as the paper
	// writes it (eq. 4): the normalized values are divided by τ. The
	// reference implementation multiplies by its temp argument instead, so
	// its temp corresponds to 1/τ here. Zero selects
	// vanilla CEM's hard top-k: the update still records a gradient
	// through the elite samples, but none through their selection. Either
	// way an objective value of +Inf ranks its sample as the worst (soft:
	// the values are normalized over the finite ones and +Inf scores one
	// standard deviation below the worst finite sample; −Inf one above the
	// best), and NaN is an error.
	Temp float64
	// MinStd is a lower bound on the standard deviation after each update
	// (≥ 0; 0 disables it).
	MinStd float64
	// Lower and Upper clamp every sample to [Lower, Upper]. Both zero
	// means no bounds; otherwise Lower < Upper is required (±Inf allowed).
	Lower, Upper float64
	// Seed seeds the normal draws; the same seed gives the same solve.
	Seed uint64
	// Tol stops the solve early once no coordinate of the mean moves by
	// more than Tol in an iteration (≥ 0; 0 disables it).
	Tol float64
	// LMLEps is the tolerance of the soft top-k's root search (≥ 0;
	// 0 means 1e-3).
	LMLEps float64
	// Noise, if set, supplies the standard-normal draws: one tensor of
	// shape (B, S, n) per iteration, at least Iters of them, so that a solve
	// can be replayed exactly against another implementation. Seed is then
	// unused.
	Noise []*tensor.Tensor
	// DeviceNoise draws the noise with the counter-based generator
	// (tensor.RandNOn: Philox-4×32-10 keyed by Seed, stream t for
	// iteration t) instead of tensor.RNG. A solve on a device then draws on
	// the device, with no host draws or transfers: faster on a GPU, but
	// the numbers differ from the default solve's. A host solve (and
	// SolveFunc) with DeviceNoise draws the same numbers on the host, since
	// RandNOn gives the same numbers on every device: a device solve with
	// DeviceNoise agrees with the host float32 solve with DeviceNoise up to
	// rounding. It cannot be combined with Noise.
	DeviceNoise bool
	// Callback, if set, is called after each iteration's update with what
	// that iteration saw, for plots and progress. The tensors are detached
	// copies the callback may keep.
	Callback func(it Iterate)
}

// Iterate describes one iteration of a solve, as passed to Config.Callback.
type Iterate struct {
	Iter    int            // 0-based iteration number
	Samples *tensor.Tensor // (B, S, n) the samples evaluated
	Values  *tensor.Tensor // (B, S) their objective values
	Weights *tensor.Tensor // (B, S) soft (or hard 0/1) elite weights
	Mean    *tensor.Tensor // (B, n) the mean after the update
	Std     *tensor.Tensor // (B, n) the standard deviation after the update
}

// defaultLMLEps is the root tolerance of the soft top-k when LMLEps is 0.
const defaultLMLEps = 1e-3

// normEps is added to the standard deviation when objective values are
// normalized per row, so that a row of equal values stays finite.
const normEps = 1e-6

func (c *Config) bounded() bool { return c.Lower != 0 || c.Upper != 0 }

func (c *Config) lmlEps() float64 {
	if c.LMLEps == 0 {
		return defaultLMLEps
	}
	return c.LMLEps
}

// Validate returns an error naming the first setting out of range and its
// bound (Samples, Elites, Iters, Temp, MinStd, Tol, LMLEps, the bounds, and
// Noise's length and DeviceNoise), or nil. The solvers check it, and the
// shapes of Noise's tensors, before they start; packages that hold a
// Config in their own settings (a planner, an experiment) call it to
// report a bad setting when they are made rather than at the first solve.
func (c *Config) Validate() error {
	if err := c.check(); err != nil {
		return fmt.Errorf("cem.Config: %w", err)
	}
	return nil
}

// validate checks the settings for a batch of b problems of dimension n.
func (c *Config) validate(b, n int) error {
	if err := c.check(); err != nil {
		return err
	}
	for i, e := range c.Noise[:min(len(c.Noise), c.Iters)] {
		if s := e.Shape(); len(s) != 3 || s[0] != b || s[1] != c.Samples || s[2] != n {
			return fmt.Errorf("Noise[%d] has shape %v, want [%d %d %d] (B, S, n)", i, s, b, c.Samples, n)
		}
	}
	return nil
}

// check is Validate without the package's name in its errors.
func (c *Config) check() error {
	switch {
	case c.Samples < 2:
		return fmt.Errorf("Samples = %d, want Samples ≥ 2", c.Samples)
	case c.Elites < 1:
		return fmt.Errorf("Elites = %d, want Elites ≥ 1", c.Elites)
	case c.Elites >= c.Samples:
		return fmt.Errorf("Elites = %d, want Elites < Samples = %d", c.Elites, c.Samples)
	case c.Iters < 1:
		return fmt.Errorf("Iters = %d, want Iters ≥ 1", c.Iters)
	case !(c.Temp >= 0) || math.IsInf(c.Temp, 1):
		return fmt.Errorf("Temp = %g, want 0 ≤ Temp < +Inf (0 for hard top-k)", c.Temp)
	case !(c.MinStd >= 0) || math.IsInf(c.MinStd, 1):
		return fmt.Errorf("MinStd = %g, want 0 ≤ MinStd < +Inf", c.MinStd)
	case !(c.Tol >= 0):
		return fmt.Errorf("Tol = %g, want Tol ≥ 0", c.Tol)
	case !(c.LMLEps >= 0):
		return fmt.Errorf("LMLEps = %g, want LMLEps ≥ 0", c.LMLEps)
	case math.IsNaN(c.Lower) || math.IsNaN(c.Upper):
		return fmt.Errorf("bounds [%g, %g] hold NaN", c.Lower, c.Upper)
	case c.bounded() && !(c.Lower < c.Upper):
		return fmt.Errorf("Lower = %g, Upper = %g, want Lower < Upper", c.Lower, c.Upper)
	}
	if c.Noise != nil && c.DeviceNoise {
		return fmt.Errorf("both Noise and DeviceNoise are set; set one (Noise supplies the draws, DeviceNoise draws them)")
	}
	if c.Noise != nil && len(c.Noise) < c.Iters {
		return fmt.Errorf("Noise has %d tensors, want one per iteration (Iters = %d)", len(c.Noise), c.Iters)
	}
	return nil
}
