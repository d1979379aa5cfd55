package dmc

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/dcem-go/dcem/envs"
)

// Planner scores action sequences by simulating them on the true physics
// from the current state of an Env: the "CEM on the true simulator"
// baseline of PlaNet and the DCEM paper (§5.2.2). Sequences are simulated
// in parallel on clones of the Env, one per worker, so the scores do not
// depend on the number of workers.
type Planner struct {
	// Repeat is the action repeat: each action of a sequence is held for
	// Repeat control steps (4 for cheetah.run, 2 for walker.walk in the
	// paper).
	Repeat int
	clones []*Env
}

// NewPlanner returns a planner for e's task with the given number of
// parallel workers and action repeat.
func NewPlanner(e *Env, workers, repeat int) (*Planner, error) {
	if e == nil {
		return nil, errors.New("dmc: NewPlanner: e is nil")
	}
	if workers < 1 {
		return nil, fmt.Errorf("dmc: NewPlanner: workers = %d, want ≥ 1", workers)
	}
	if repeat < 1 {
		return nil, fmt.Errorf("dmc: NewPlanner: repeat = %d, want ≥ 1", repeat)
	}
	p := &Planner{Repeat: repeat}
	for range workers {
		c, err := e.Clone()
		if err != nil {
			p.Close()
			return nil, err
		}
		p.clones = append(p.clones, c)
	}
	return p, nil
}

// Close frees the planner's clones.
func (p *Planner) Close() error {
	var first error
	for _, c := range p.clones {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	p.clones = nil
	return first
}

// Returns simulates each sequence from from's current state and returns the
// sum of the task's rewards along it (over every control step, Repeat per
// action). A sequence holds H actions of ActionSize values each, time-major;
// all sequences must have the same length. Actions are clamped to the
// bounds. A sequence that makes the simulation unstable scores the rewards
// it collected before. from is not changed.
func (p *Planner) Returns(ctx context.Context, from *Env, seqs [][]float64) ([]float64, error) {
	if len(p.clones) == 0 {
		return nil, errors.New("dmc: Planner.Returns: planner is closed")
	}
	if from == nil || !from.started {
		return nil, fmt.Errorf("dmc: Planner.Returns: %w", envs.ErrNotReset)
	}
	if from.model != p.clones[0].model {
		return nil, errors.New("dmc: Planner.Returns: from is an Env of another task")
	}
	nu := from.ActionSize()
	for i, s := range seqs {
		if len(s) == 0 || len(s)%nu != 0 || len(s) != len(seqs[0]) {
			return nil, fmt.Errorf("dmc: Planner.Returns: sequence %d has %d values, want the same positive multiple of ActionSize = %d for all", i, len(s), nu)
		}
	}
	out := make([]float64, len(seqs))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan int)
	for _, c := range p.clones {
		wg.Add(1)
		go func(c *Env) {
			defer wg.Done()
			for i := range next {
				r, err := p.simulate(c, from, seqs[i], nu)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
				out[i] = r
			}
		}(c)
	}
	for i := range seqs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("dmc: Planner.Returns: %w", err)
	}
	return out, first
}

// simulate runs one sequence on clone c from from's state.
func (p *Planner) simulate(c, from *Env, seq []float64, nu int) (float64, error) {
	if err := c.data.CopyFrom(from.data); err != nil {
		return 0, fmt.Errorf("dmc: Planner: %w", err)
	}
	ret := 0.0
	for t := 0; t < len(seq); t += nu {
		envs.Clamp(c.data.Ctrl(), seq[t:t+nu], c.lo, c.hi)
		for range p.Repeat {
			if err := c.data.Step(c.spec.substeps); err != nil {
				return ret, nil // unstable: score what was collected
			}
			ret += c.task.reward(c.data)
		}
	}
	return ret, nil
}

// SimModel scores action sequences on the true simulator from the current
// state of From, through Planner: the ground-truth counterpart of a learned
// world model. It has the method set of control.SequenceModel, so the same
// full-space CEM planner (control.CEMPlanner) plans on the true physics or
// in a learned model.
type SimModel struct {
	Planner *Planner
	From    *Env
}

// ActionSize returns the task's action length.
func (s SimModel) ActionSize() int { return s.From.ActionSize() }

// PredictReturns writes into returns[i] the return of sequence i of the n
// sequences of horizon actions in actions, laid out (n, horizon,
// ActionSize), simulated from From's state with the planner's action
// repeat.
func (s SimModel) PredictReturns(ctx context.Context, actions []float32, n, horizon int, returns []float32) error {
	if s.Planner == nil || s.From == nil {
		return errors.New("dmc: SimModel: Planner or From is nil")
	}
	nu := s.From.ActionSize()
	if len(actions) != n*horizon*nu || len(returns) != n {
		return fmt.Errorf("dmc: SimModel.PredictReturns: %d action values and %d returns, want n·horizon·ActionSize = %d and n = %d",
			len(actions), len(returns), n*horizon*nu, n)
	}
	seqs := make([][]float64, n)
	for i := range seqs {
		seqs[i] = make([]float64, horizon*nu)
		for j := range seqs[i] {
			seqs[i][j] = float64(actions[i*horizon*nu+j])
		}
	}
	r, err := s.Planner.Returns(ctx, s.From, seqs)
	if err != nil {
		return err
	}
	for i, v := range r {
		returns[i] = float32(v)
	}
	return nil
}
