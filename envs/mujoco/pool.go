package mujoco

/*
#include "guard.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// State is the part of a Data that determines its future: time, positions,
// velocities, actuator activations, and the constraint solver's warm start
// (qacc_warmstart). Restoring a State with SetState and stepping gives
// bit-identical results however the Data was used before.
type State struct {
	Time      float64
	Qpos      []float64 // length NQ
	Qvel      []float64 // length NV
	Act       []float64 // length NA (nil for models without activations)
	Warmstart []float64 // length NV; nil keeps what mj_forward computes
}

// State returns a copy of d's state.
func (d *Data) State() State {
	na := int(d.m.na)
	s := State{
		Time:      d.Time(),
		Qpos:      append([]float64(nil), d.Qpos()...),
		Qvel:      append([]float64(nil), d.Qvel()...),
		Warmstart: append([]float64(nil), view(d.d.qacc_warmstart, d.model.NV())...),
	}
	if na > 0 {
		s.Act = append([]float64(nil), view(d.d.act, na)...)
	}
	return s
}

// SetState resets d (mj_resetData), writes s into it and computes the
// derived quantities (mj_forward); then it restores s.Warmstart, which
// mj_forward overwrites. Controls are zeroed by the reset.
func (d *Data) SetState(s State) error {
	nq, nv, na := d.model.NQ(), d.model.NV(), int(d.m.na)
	switch {
	case len(s.Qpos) != nq:
		return fmt.Errorf("mujoco: SetState: len(Qpos)=%d, want NQ=%d", len(s.Qpos), nq)
	case len(s.Qvel) != nv:
		return fmt.Errorf("mujoco: SetState: len(Qvel)=%d, want NV=%d", len(s.Qvel), nv)
	case len(s.Act) != na && !(na == 0 && s.Act == nil):
		return fmt.Errorf("mujoco: SetState: len(Act)=%d, want NA=%d", len(s.Act), na)
	case s.Warmstart != nil && len(s.Warmstart) != nv:
		return fmt.Errorf("mujoco: SetState: len(Warmstart)=%d, want NV=%d or nil", len(s.Warmstart), nv)
	}
	if d.d == nil {
		return ErrClosed
	}
	loadLock.RLock()
	st := C.dcem_reset(d.m, d.d, d.errbuf)
	loadLock.RUnlock()
	if err := d.status("SetState", st); err != nil {
		return err
	}
	d.broken = false
	d.SetTime(s.Time)
	copy(d.Qpos(), s.Qpos)
	copy(d.Qvel(), s.Qvel)
	if na > 0 {
		copy(view(d.d.act, na), s.Act)
	}
	if err := d.Forward(); err != nil {
		return err
	}
	// mj_forward overwrites the warm start with the new accelerations.
	if s.Warmstart != nil {
		copy(view(d.d.qacc_warmstart, nv), s.Warmstart)
	}
	return nil
}

// Pool steps many simulations of one Model in parallel: each of its workers
// is a goroutine with its own Data. Jobs are independent, so results do not
// depend on the number of workers or on which worker runs which job.
type Pool struct {
	model *Model
	data  []*Data
	mu    sync.Mutex // one Run at a time
}

// NewPool makes a pool of workers goroutines (workers ≥ 1) for model m.
func NewPool(m *Model, workers int) (*Pool, error) {
	if workers < 1 {
		return nil, fmt.Errorf("mujoco: NewPool: workers=%d, want workers ≥ 1", workers)
	}
	p := &Pool{model: m}
	for range workers {
		d, err := m.NewData()
		if err != nil {
			p.Close()
			return nil, err
		}
		p.data = append(p.data, d)
	}
	return p, nil
}

// Workers returns the number of workers.
func (p *Pool) Workers() int { return len(p.data) }

// Close frees the workers' Data.
func (p *Pool) Close() error {
	for _, d := range p.data {
		d.Close()
	}
	p.data = nil
	return nil
}

// Run calls fn(d, i) for every job i in [0, n), on the workers in parallel;
// d is the Data of the worker running job i, in whatever state the worker's
// previous job left it. Run returns the error of the lowest-numbered job
// that failed (a panic in fn counts as an error), or ctx's error if it was
// cancelled first.
func (p *Pool) Run(ctx context.Context, n int, fn func(d *Data, i int) error) error {
	if n < 0 {
		return fmt.Errorf("mujoco: Pool.Run: number of jobs n=%d, want n ≥ 0", n)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.data) == 0 {
		return errors.New("mujoco: Pool.Run: the pool is closed")
	}
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, d := range p.data {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				errs[i] = runJob(fn, d, i)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("job %d: %w", i, err)
		}
	}
	return nil
}

// runJob calls fn(d, i) and turns a panic into an error, so that a failing
// job cannot take down the process from a worker goroutine.
func runJob(fn func(d *Data, i int) error, d *Data, i int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("mujoco: Pool.Run: job %d panicked: %v", i, r)
		}
	}()
	return fn(d, i)
}

// Trajectory is the result of one open-loop rollout: the states visited,
// including the start, row-major.
type Trajectory struct {
	Qpos []float64 // (T+1) × NQ
	Qvel []float64 // (T+1) × NV
}

// Rollouts runs one open-loop rollout per start state in parallel: rollout
// k starts from starts[k] and applies the controls ctrl[k] (T × NU,
// row-major, the same T for all), holding each for substeps physics steps.
// It returns the trajectories in the order of starts; they are bit-identical
// to running the rollouts one after another on a single Data.
func (p *Pool) Rollouts(ctx context.Context, starts []State, ctrl [][]float64, substeps int) ([]Trajectory, error) {
	if len(ctrl) != len(starts) {
		return nil, fmt.Errorf("mujoco: Rollouts: len(ctrl)=%d, want len(starts)=%d", len(ctrl), len(starts))
	}
	if substeps < 1 {
		return nil, fmt.Errorf("mujoco: Rollouts: substeps=%d, want substeps ≥ 1", substeps)
	}
	nq, nv, nu := p.model.NQ(), p.model.NV(), p.model.NU()
	if nu == 0 {
		return nil, errors.New("mujoco: Rollouts: the model has no actuators")
	}
	t := 0
	if len(ctrl) > 0 {
		t = len(ctrl[0]) / nu
	}
	for k, c := range ctrl {
		if len(c) != t*nu || len(c)%nu != 0 {
			return nil, fmt.Errorf("mujoco: Rollouts: len(ctrl[%d])=%d, want T×NU=%d×%d like ctrl[0]", k, len(c), t, nu)
		}
	}
	out := make([]Trajectory, len(starts))
	err := p.Run(ctx, len(starts), func(d *Data, k int) error {
		if err := d.SetState(starts[k]); err != nil {
			return err
		}
		tr := Trajectory{Qpos: make([]float64, (t+1)*nq), Qvel: make([]float64, (t+1)*nv)}
		copy(tr.Qpos, d.Qpos())
		copy(tr.Qvel, d.Qvel())
		c := d.Ctrl()
		for s := range t {
			copy(c, ctrl[k][s*nu:(s+1)*nu])
			if err := d.Step(substeps); err != nil {
				return err
			}
			copy(tr.Qpos[(s+1)*nq:], d.Qpos())
			copy(tr.Qvel[(s+1)*nv:], d.Qvel())
		}
		out[k] = tr
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mujoco: Rollouts: %w", err)
	}
	return out, nil
}
