package cartpole

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// Env is the cartpole as an envs.Env: one force in [−ForceMax, ForceMax],
// observation (x, ẋ, cos θ, sin θ, θ̇), reward cos θ − 0.1x² − 1e-5u² (the
// negative step cost), episodes of MaxSteps steps.
type Env struct {
	Params Params
	// MaxSteps is the episode length (default 100: 5 s).
	MaxSteps int
	// Start, if set, is the state every episode starts from (for example
	// Hanging, for the swing-up); otherwise Reset samples one from the
	// paper's distribution with the seed.
	Start *State

	state State
	steps int
	ready bool
}

// NewEnv returns a cartpole environment with the paper's constants and
// episodes of 100 steps.
func NewEnv() *Env { return &Env{Params: DefaultParams(), MaxSteps: 100} }

var _ envs.Env = (*Env)(nil)

// Reset starts an episode and returns the first observation.
func (e *Env) Reset(seed uint64) ([]float64, error) {
	if err := e.Params.Validate(); err != nil {
		return nil, err
	}
	if e.MaxSteps < 1 {
		return nil, fmt.Errorf("cartpole: MaxSteps = %d, want ≥ 1", e.MaxSteps)
	}
	if e.Start != nil {
		e.state = *e.Start
	} else {
		e.state = SampleStates(tensor.NewRNG(seed), 1)[0]
	}
	e.steps, e.ready = 0, true
	return e.state.Obs(), nil
}

// Step applies a force (clamped to the bounds) for one step.
func (e *Env) Step(action []float64) ([]float64, float64, bool, error) {
	if !e.ready {
		if e.steps > 0 {
			return nil, 0, true, envs.ErrEpisodeOver
		}
		return nil, 0, false, envs.ErrNotReset
	}
	lo, hi := e.ActionBounds()
	if err := envs.CheckAction(action, lo, hi); err != nil {
		return nil, 0, false, err
	}
	u := math.Max(lo[0], math.Min(hi[0], action[0]))
	e.state = e.Params.Step(e.state, u)
	e.steps++
	done := e.steps >= e.MaxSteps
	if done {
		e.ready = false
	}
	return e.state.Obs(), -StepCost(e.state, u), done, nil
}

// State returns the current state.
func (e *Env) State() State { return e.state }

// ObservationSize is 5.
func (e *Env) ObservationSize() int { return 5 }

// ActionSize is 1.
func (e *Env) ActionSize() int { return 1 }

// ActionBounds returns [−ForceMax, ForceMax].
func (e *Env) ActionBounds() (lo, hi []float64) {
	return []float64{-e.Params.ForceMax}, []float64{e.Params.ForceMax}
}
