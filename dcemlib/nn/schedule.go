package nn

import (
	"fmt"
	"math"
)

// Plateau lowers an optimizer's learning rate when a monitored loss stops
// improving, as PyTorch's ReduceLROnPlateau does in "min" mode with a
// relative threshold; the paper's regression and cartpole experiments use
// factor 0.5 and patience 20 (app. B). A loss counts as an improvement
// when it is below best·(1 − Threshold). After more than Patience
// evaluations without one, the rate is multiplied by Factor (not below
// MinLR) and the count restarts after Cooldown evaluations.
type Plateau struct {
	// Opt is the optimizer whose rate is lowered.
	Opt Optimizer
	// Factor multiplies the rate at each decay (0 < Factor < 1).
	Factor float64
	// Patience is the number of evaluations without improvement that are
	// tolerated.
	Patience int
	// Threshold is the relative improvement that counts (≥ 0).
	Threshold float64
	// Cooldown is the number of evaluations after a decay during which
	// bad evaluations are not counted.
	Cooldown int
	// MinLR is a floor on the rate.
	MinLR float64

	best     float64
	bad      int
	cooldown int
	decays   int
}

// NewPlateau returns a schedule on opt with the given factor and patience,
// PyTorch's default threshold 10⁻⁴ and no cooldown or floor. It panics if
// factor is not in (0, 1) or patience is negative.
func NewPlateau(opt Optimizer, factor float64, patience int) *Plateau {
	if !(factor > 0 && factor < 1) {
		panic(fmt.Sprintf("nn.NewPlateau: factor = %g, want 0 < factor < 1", factor))
	}
	if patience < 0 {
		panic(fmt.Sprintf("nn.NewPlateau: patience = %d, want ≥ 0", patience))
	}
	return &Plateau{Opt: opt, Factor: factor, Patience: patience, Threshold: 1e-4, best: math.Inf(1)}
}

// Step records one evaluation of the loss and reports whether the rate was
// lowered.
func (p *Plateau) Step(loss float64) bool {
	if loss < p.best*(1-p.Threshold) || (p.best == math.Inf(1) && !math.IsNaN(loss)) {
		p.best = loss
		p.bad = 0
	} else {
		p.bad++
	}
	if p.cooldown > 0 {
		p.cooldown--
		p.bad = 0
	}
	if p.bad <= p.Patience {
		return false
	}
	p.bad = 0
	p.cooldown = p.Cooldown
	old := p.Opt.LearningRate()
	lr := math.Max(old*p.Factor, p.MinLR)
	if old-lr <= 1e-12*old {
		return false
	}
	p.Opt.SetLearningRate(lr)
	p.decays++
	return true
}

// Best returns the lowest loss seen.
func (p *Plateau) Best() float64 { return p.best }

// Decays returns how many times the rate was lowered.
func (p *Plateau) Decays() int { return p.decays }
