package control

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/cem"
)

// SequenceModel predicts the returns of candidate action sequences from the
// state it is in: a learned world model from a filtered belief
// (rssm.Imagination), the true simulator from the environment's state, or a
// known system in a test. The full-space CEM planner needs nothing else.
type SequenceModel interface {
	// ActionSize returns the length of one action.
	ActionSize() int
	// PredictReturns writes into returns[i] the predicted sum of rewards
	// of sequence i of the n sequences in actions, laid out
	// (n, horizon, ActionSize) row-major.
	PredictReturns(ctx context.Context, actions []float32, n, horizon int, returns []float32) error
}

// CEMPlanner is full-space CEM over action sequences as PlaNet plans
// (Hafner et al. 2019; the DCEM paper's phase 1, app. E): from μ = 0 and
// σ = InitStd, each iteration draws Candidates sequences, clips them to
// [Lower, Upper], scores them with a SequenceModel, and refits μ and σ to the
// Elites best. The plan is the final mean; a receding-horizon controller
// executes its first action.
type CEMPlanner struct {
	// Horizon is the number of actions in a sequence (PlaNet: 12).
	Horizon int
	// Candidates, Elites and Iterations are CEM's settings (PlaNet: 1000,
	// 100, 10).
	Candidates, Elites, Iterations int
	// InitStd is the initial standard deviation (PlaNet: 1).
	InitStd float64
	// Lower and Upper bound every action (the tasks': −1 and 1).
	Lower, Upper float64
}

// PlaNetCEM returns PlaNet's planner settings: horizon 12, 1000 candidates,
// 100 elites, 10 iterations, σ 1, actions in [−1, 1].
func PlaNetCEM() CEMPlanner {
	return CEMPlanner{Horizon: 12, Candidates: 1000, Elites: 100, Iterations: 10, InitStd: 1, Lower: -1, Upper: 1}
}

// Validate returns an error naming the first setting out of range.
func (p CEMPlanner) Validate() error {
	switch {
	case p.Horizon < 1:
		return fmt.Errorf("control: CEMPlanner.Horizon = %d, want ≥ 1", p.Horizon)
	case !(p.InitStd > 0) || math.IsInf(p.InitStd, 0):
		return fmt.Errorf("control: CEMPlanner.InitStd = %g, want a finite value > 0", p.InitStd)
	case !(p.Lower < p.Upper) || math.IsInf(p.Lower, 0) || math.IsInf(p.Upper, 0):
		return fmt.Errorf("control: CEMPlanner bounds [%g, %g], want finite Lower < Upper", p.Lower, p.Upper)
	}
	cfg := p.solver(0)
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("control: CEMPlanner (Candidates = %d, Elites = %d, Iterations = %d are the solver's Samples, Elites, Iters): %w",
			p.Candidates, p.Elites, p.Iterations, err)
	}
	return nil
}

// solver returns the planner's CEM settings, drawing from seed.
func (p CEMPlanner) solver(seed uint64) cem.Config {
	return cem.Config{
		Samples: p.Candidates, Elites: p.Elites, Iters: p.Iterations,
		Lower: p.Lower, Upper: p.Upper, Seed: seed,
	}
}

// Plan returns the planned sequence, Horizon actions of m.ActionSize()
// values (time-major), from the model's current state; seed draws the
// candidates. A NaN return from the model is an error naming the
// iteration and the candidate.
func (p CEMPlanner) Plan(ctx context.Context, m SequenceModel, seed uint64) ([]float32, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("control: CEMPlanner.Plan: model is nil")
	}
	nu := m.ActionSize()
	if nu < 1 {
		return nil, fmt.Errorf("control: CEMPlanner.Plan: model's ActionSize = %d, want ≥ 1", nu)
	}
	dim := p.Horizon * nu
	flat := make([]float32, p.Candidates*dim)
	ret := make([]float32, p.Candidates)
	var modelErr error
	cost := func(x [][]float32) []float32 {
		for i, row := range x {
			copy(flat[i*dim:(i+1)*dim], row)
		}
		if err := m.PredictReturns(ctx, flat, len(x), p.Horizon, ret); err != nil {
			modelErr = err
			panic(err)
		}
		v := make([]float32, len(x))
		for i, r := range ret {
			v[i] = -r
		}
		return v
	}
	mean := make([]float32, dim)
	std := []float32{float32(p.InitStd)}
	res, err := cem.SolveFunc32(ctx, cost, mean, std, p.solver(seed))
	if modelErr != nil {
		return nil, fmt.Errorf("control: CEMPlanner.Plan: %w", modelErr)
	}
	if err != nil {
		return nil, fmt.Errorf("control: CEMPlanner.Plan: %w", err)
	}
	return res.Mean, nil
}

// FLOPs returns the number of floating-point operations of matrix
// products one decision costs when one candidate-step costs perStep of
// them: Candidates·Horizon·Iterations·perStep.
func (p CEMPlanner) FLOPs(perStep float64) float64 {
	return float64(p.Candidates) * float64(p.Horizon) * float64(p.Iterations) * perStep
}
