package ppo

import (
	"fmt"
	"math"
)

// Config holds the settings of PPO. Standard returns the usual ones.
type Config struct {
	// Updates is the number of updates Train runs (≥ 1); with LRDecay it
	// is also the length of the learning-rate schedule.
	Updates int
	// Steps is the number of environment steps collected per update,
	// shared evenly among the environments (a multiple of their number);
	// episodes run on across updates. Episodes, instead, collects that
	// many whole episodes per update, every one started afresh. Exactly one
	// of the two is positive.
	Steps, Episodes int
	// Epochs is the number of passes over each update's data (≥ 1), and
	// Minibatches the number of minibatches each pass is split into (≥ 1,
	// at most the number of steps collected).
	Epochs, Minibatches int
	// MicroBatch, if positive, is the most samples one forward and backward
	// pass of the policy holds: a minibatch is processed in parts of at
	// most MicroBatch samples whose gradients add up to the minibatch's
	// (the same step, up to rounding, in less memory — for policies whose
	// graph is large, such as a DCEM controller). 0 takes each minibatch in
	// one pass.
	MicroBatch int
	// LR is Adam's learning rate for the policy (> 0); ValueLR the one for
	// the value function (> 0; 0 means LR). AdamEps is Adam's ε (> 0).
	LR, ValueLR, AdamEps float64
	// LRDecay lowers both learning rates linearly to zero over Updates.
	LRDecay bool
	// Clip is the ε of the clipped surrogate (eq. 7; > 0).
	Clip float64
	// ClipValue clips the value loss to ε around the old values as well
	// (see ValueLoss).
	ClipValue bool
	// Gamma is the discount γ and Lambda the GAE λ (both in [0, 1]).
	Gamma, Lambda float64
	// TargetKL, if positive, stops the policy's steps of an update early
	// (the value function's go on): before each minibatch's step the
	// approximate KL between the policy that collected the data and the
	// current one is measured on that minibatch, and once it exceeds
	// 1.5·TargetKL the step is skipped and the update's remaining
	// minibatches leave the policy alone. It bounds how far one update
	// moves a policy whose mean is very sensitive to its parameters (a
	// DCEM controller: one Adam step at learning rate 10⁻⁴ moves it by
	// several σ). 0 never stops.
	TargetKL float64
	// MaxGradNorm bounds the Euclidean norm of the policy's gradient and,
	// separately, of the value function's (> 0; 0 means no clipping).
	MaxGradNorm float64
	// ValueCoef is c₁ and EntropyCoef c₂ of eq. 9 (both ≥ 0).
	ValueCoef, EntropyCoef float64
	// NormalizeAdvantages standardizes the advantages of each update's
	// data to mean 0 and standard deviation 1.
	NormalizeAdvantages bool
	// NormalizeRewards divides rewards, for learning only, by a running
	// standard deviation of the discounted return and clips them to
	// [−10, 10] (gym's VecNormalize); logged returns stay raw.
	NormalizeRewards bool
	// TerminalDone says that an environment's done flag marks a terminal
	// state (value zero). When false, done means the episode hit its time
	// limit and GAE bootstraps from the value of the last observation —
	// the case of every task here (cartpole, cheetah.run, walker.walk).
	TerminalDone bool
	// Seed seeds every random draw of training: episode starts, action
	// noise and minibatch order.
	Seed uint64
}

// Standard returns the settings of well-known PPO implementations for
// MuJoCo tasks (Kostrikov's pytorch-a2c-ppo-acktr; PPO paper, table 3):
// 488 updates (about 10⁶ steps) of 2048 steps, 10 epochs of 32 minibatches,
// Adam with learning rate 3·10⁻⁴ decaying linearly and ε 10⁻⁵, clip 0.2
// for the surrogate and the value loss, γ 0.99, λ 0.95, gradient norm 0.5,
// value coefficient 0.5, no entropy bonus, normalized advantages, rewards
// scaled by the running return's deviation, done taken as a time limit.
// Observation normalization, which those implementations also apply, is
// left to the policy.
func Standard() Config {
	return Config{
		Updates:             488,
		Steps:               2048,
		Epochs:              10,
		Minibatches:         32,
		LR:                  3e-4,
		AdamEps:             1e-5,
		LRDecay:             true,
		Clip:                0.2,
		ClipValue:           true,
		Gamma:               0.99,
		Lambda:              0.95,
		MaxGradNorm:         0.5,
		ValueCoef:           0.5,
		EntropyCoef:         0,
		NormalizeAdvantages: true,
		NormalizeRewards:    true,
	}
}

// Validate reports the first setting out of range, naming it and its bound.
func (c *Config) Validate() error {
	for _, b := range []struct {
		name string
		v    int
	}{{"Updates", c.Updates}, {"Epochs", c.Epochs}, {"Minibatches", c.Minibatches}} {
		if b.v < 1 {
			return fmt.Errorf("ppo: %s = %d, want %s ≥ 1", b.name, b.v, b.name)
		}
	}
	switch {
	case c.Steps < 0:
		return fmt.Errorf("ppo: Steps = %d, want Steps ≥ 0", c.Steps)
	case c.MicroBatch < 0:
		return fmt.Errorf("ppo: MicroBatch = %d, want MicroBatch ≥ 0 (0: whole minibatches)", c.MicroBatch)
	case c.Episodes < 0:
		return fmt.Errorf("ppo: Episodes = %d, want Episodes ≥ 0", c.Episodes)
	case c.Steps == 0 && c.Episodes == 0:
		return fmt.Errorf("ppo: Steps = 0 and Episodes = 0, want exactly one of them ≥ 1")
	case c.Steps > 0 && c.Episodes > 0:
		return fmt.Errorf("ppo: Steps = %d and Episodes = %d, want exactly one of them ≥ 1 (the other 0)", c.Steps, c.Episodes)
	case c.Steps > 0 && c.Minibatches > c.Steps:
		return fmt.Errorf("ppo: Minibatches = %d, want Minibatches ≤ Steps = %d", c.Minibatches, c.Steps)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, b := range []struct {
		name string
		v    float64
		zero bool // 0 allowed
	}{
		{"LR", c.LR, false}, {"ValueLR", c.ValueLR, true}, {"AdamEps", c.AdamEps, false},
		{"Clip", c.Clip, false}, {"MaxGradNorm", c.MaxGradNorm, true}, {"TargetKL", c.TargetKL, true},
		{"ValueCoef", c.ValueCoef, true}, {"EntropyCoef", c.EntropyCoef, true},
	} {
		if !finite(b.v) || b.v < 0 || (b.v == 0 && !b.zero) {
			if b.zero {
				return fmt.Errorf("ppo: %s = %g, want a finite %s ≥ 0", b.name, b.v, b.name)
			}
			return fmt.Errorf("ppo: %s = %g, want a finite %s > 0", b.name, b.v, b.name)
		}
	}
	for _, b := range []struct {
		name string
		v    float64
	}{{"Gamma", c.Gamma}, {"Lambda", c.Lambda}} {
		if !(b.v >= 0 && b.v <= 1) {
			return fmt.Errorf("ppo: %s = %g, want 0 ≤ %s ≤ 1", b.name, b.v, b.name)
		}
	}
	return nil
}

// valueLR returns the value function's learning rate.
func (c *Config) valueLR() float64 {
	if c.ValueLR > 0 {
		return c.ValueLR
	}
	return c.LR
}
