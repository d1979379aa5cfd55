// Package cartpole re-makes the cartpole experiment of the DCEM paper (Amos
// & Yarats, ICML 2020, §4.2, §5.2.1, figs. 2, 8, 9 and 10, app. D): DCEM
// learns a low-dimensional latent space of action sequences in which 100
// samples plan as well as full-space CEM does with 1000.
//
// A decoder g_φ maps a latent z ∈ [−1, 1]^d to 20 forces (envs/cartpole
// dynamics). Training (paper alg. 2) repeats: draw a start state, solve
// min_z C(x₀, g_φ(z)) by latent DCEM (100 samples, 10 elites, 10
// iterations, σ₀ = 0.5), and take an Adam step on the cost of the decoded
// plan, differentiated through the whole solve. Every ValEvery updates the
// decoder plans for a fixed validation set of start states; the best
// decoder is kept. The expert is vanilla CEM over the full 20-step action
// space (1000 samples, 100 elites, 10 iterations, σ₀ = 100). The
// improvement factor is the latent controller's validation cost over the
// expert's (both negative: above 1 means better than the expert).
//
// The package imports the environment as cpenv; in a notebook, import this
// package under another name when both are needed.
package cartpole

import (
	"fmt"
	"math"
)

// Config holds every setting of the experiment. Default returns the
// paper's; Quick a small one for tests and CI.
type Config struct {
	// Seeds lists the random seeds; each (latent dimension, temperature)
	// pair is trained once per seed.
	Seeds []uint64
	// LatentDims lists the latent dimensions to train (each ≥ 1).
	LatentDims []int
	// Temps lists the DCEM temperatures τ to train with (each ≥ 0; 0 is
	// hard CEM, whose gradient skips the solve).
	Temps []float64
	// Hidden are the decoder's hidden widths (each ≥ 1).
	Hidden []int
	// Horizon is the number of forces in a plan (≥ 1).
	Horizon int
	// Updates is the number of training updates per run (≥ 1), and
	// ValEvery the number of updates between validations (≥ 1).
	Updates, ValEvery int
	// ValStates is how many of the fixed validation states are used
	// (1 … 100).
	ValStates int
	// LR is Adam's learning rate and ClipNorm the gradient-norm bound
	// (both > 0).
	LR, ClipNorm float64
	// PlateauFactor multiplies the learning rate after PlateauPatience
	// validations without improvement (0 < factor < 1, patience ≥ 0).
	PlateauFactor   float64
	PlateauPatience int
	// LatentSamples, LatentElites and LatentIters set the latent DCEM
	// solve (samples ≥ 2, 1 ≤ elites < samples, iterations ≥ 1);
	// LatentInitStd its initial deviation (> 0) and LatentBound the box
	// [−LatentBound, LatentBound] the latents live in (> 0).
	LatentSamples, LatentElites, LatentIters int
	LatentInitStd, LatentBound               float64
	// ExpertSamples, ExpertElites, ExpertIters and ExpertInitStd set the
	// full-space CEM expert.
	ExpertSamples, ExpertElites, ExpertIters int
	ExpertInitStd                            float64
	// SwingUpSteps is the length of the closed-loop swing-up from the
	// hanging state (≥ 1).
	SwingUpSteps int
	// GridSize is the number of latent grid points per axis for the cost
	// surfaces (≥ 2), and SurfaceStates the number of start states drawn.
	GridSize, SurfaceStates int
	// Workers is the number of training runs done at once (≥ 1).
	Workers int
}

// Default returns the paper's model and controller settings (app. D) with
// 3 seeds, latent dimensions 2, 8 and 16 and temperatures 1, 0.1 and 0, on
// a reduced training budget: 2000 updates with a learning-rate plateau
// patience of 5 validations, where the reference code trains far longer
// (patience 20).
func Default() Config {
	return Config{
		Seeds:           []uint64{0, 1, 2},
		LatentDims:      []int{2, 8, 16},
		Temps:           []float64{1, 0.1, 0},
		Hidden:          []int{256, 256, 256},
		Horizon:         20,
		Updates:         2000,
		ValEvery:        100,
		ValStates:       100,
		LR:              5e-4,
		ClipNorm:        1,
		PlateauFactor:   0.5,
		PlateauPatience: 5,
		LatentSamples:   100,
		LatentElites:    10,
		LatentIters:     10,
		LatentInitStd:   0.5,
		LatentBound:     1,
		ExpertSamples:   1000,
		ExpertElites:    100,
		ExpertIters:     10,
		ExpertInitStd:   100,
		SwingUpSteps:    100,
		GridSize:        41,
		SurfaceStates:   4,
		Workers:         2,
	}
}

// Quick returns a configuration that runs in well under a minute: one seed,
// latent dimension 2, τ ∈ {1, 0}, a narrow decoder, few updates and a
// small validation set. It shows the pipeline working, not the paper's
// numbers.
func Quick() Config {
	c := Default()
	c.Seeds = []uint64{0}
	c.LatentDims = []int{2}
	c.Temps = []float64{1, 0}
	c.Hidden = []int{64, 64}
	c.Updates = 150
	c.ValEvery = 50
	c.ValStates = 10
	c.ExpertSamples, c.ExpertElites = 300, 30
	c.SwingUpSteps = 20
	c.GridSize = 11
	c.SurfaceStates = 2
	return c
}

// Small returns a reduced run that fits in minutes on 2 cores and still
// trains the paper's decoder and expert at full size: latent dimension 2,
// τ ∈ {1, 0}, 2 seeds, 1000 updates per run. Its numbers show the method
// working on a smaller budget than Default's; they are not the paper's.
func Small() Config {
	c := Default()
	c.Seeds = []uint64{0, 1}
	c.LatentDims = []int{2}
	c.Temps = []float64{1, 0}
	c.Updates = 1000
	return c
}

// Budget describes the run's size in one line, for labels and logs.
func (c *Config) Budget() string {
	return fmt.Sprintf("latent dims %v, τ %v, %d seeds, %d updates per run (plateau patience %d)",
		c.LatentDims, c.Temps, len(c.Seeds), c.Updates, c.PlateauPatience)
}

// Validate reports the first setting out of range, naming it and its bound.
func (c *Config) Validate() error {
	if len(c.Seeds) == 0 {
		return fmt.Errorf("cartpole: Seeds is empty, want at least one seed")
	}
	if len(c.LatentDims) == 0 {
		return fmt.Errorf("cartpole: LatentDims is empty, want at least one dimension")
	}
	for i, d := range c.LatentDims {
		if d < 1 {
			return fmt.Errorf("cartpole: LatentDims[%d] = %d, want ≥ 1", i, d)
		}
	}
	if len(c.Temps) == 0 {
		return fmt.Errorf("cartpole: Temps is empty, want at least one temperature")
	}
	for i, t := range c.Temps {
		if !(t >= 0) || math.IsInf(t, 1) {
			return fmt.Errorf("cartpole: Temps[%d] = %g, want 0 ≤ τ < +Inf", i, t)
		}
	}
	for i, h := range c.Hidden {
		if h < 1 {
			return fmt.Errorf("cartpole: Hidden[%d] = %d, want ≥ 1", i, h)
		}
	}
	type bound struct {
		name string
		v    int
		min  int
	}
	for _, b := range []bound{
		{"Horizon", c.Horizon, 1}, {"Updates", c.Updates, 1}, {"ValEvery", c.ValEvery, 1},
		{"ValStates", c.ValStates, 1}, {"PlateauPatience", c.PlateauPatience, 0},
		{"LatentSamples", c.LatentSamples, 2}, {"LatentElites", c.LatentElites, 1}, {"LatentIters", c.LatentIters, 1},
		{"ExpertSamples", c.ExpertSamples, 2}, {"ExpertElites", c.ExpertElites, 1}, {"ExpertIters", c.ExpertIters, 1},
		{"SwingUpSteps", c.SwingUpSteps, 1}, {"GridSize", c.GridSize, 2}, {"SurfaceStates", c.SurfaceStates, 1},
		{"Workers", c.Workers, 1},
	} {
		if b.v < b.min {
			return fmt.Errorf("cartpole: %s = %d, want %s ≥ %d", b.name, b.v, b.name, b.min)
		}
	}
	if c.ValStates > 100 {
		return fmt.Errorf("cartpole: ValStates = %d, want ≤ 100 (the size of the validation set)", c.ValStates)
	}
	if c.LatentElites >= c.LatentSamples {
		return fmt.Errorf("cartpole: LatentElites = %d, want < LatentSamples = %d", c.LatentElites, c.LatentSamples)
	}
	if c.ExpertElites >= c.ExpertSamples {
		return fmt.Errorf("cartpole: ExpertElites = %d, want < ExpertSamples = %d", c.ExpertElites, c.ExpertSamples)
	}
	type pos struct {
		name string
		v    float64
	}
	for _, p := range []pos{{"LR", c.LR}, {"ClipNorm", c.ClipNorm}, {"LatentInitStd", c.LatentInitStd},
		{"LatentBound", c.LatentBound}, {"ExpertInitStd", c.ExpertInitStd}} {
		if !(p.v > 0) || math.IsInf(p.v, 1) {
			return fmt.Errorf("cartpole: %s = %g, want 0 < %s < +Inf", p.name, p.v, p.name)
		}
	}
	if !(c.PlateauFactor > 0 && c.PlateauFactor < 1) {
		return fmt.Errorf("cartpole: PlateauFactor = %g, want 0 < PlateauFactor < 1", c.PlateauFactor)
	}
	return nil
}
