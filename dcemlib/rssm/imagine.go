package rssm

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Filter tracks the belief of one environment through an episode: each
// observation updates it with the posterior, as PlaNet filters its state
// while acting. It records no graph.
type Filter struct {
	m     *Model
	h, s  []float64
	rng   *tensor.RNG
	arena *tensor.Arena
}

// NewFilter returns a filter at the zero belief whose posterior samples
// are drawn from seed.
func (m *Model) NewFilter(seed uint64) *Filter {
	f := &Filter{m: m, rng: tensor.NewRNG(seed), arena: tensor.NewNoGradArena()}
	f.Reset()
	return f
}

// Reset returns the filter to the zero belief, for a new episode.
func (f *Filter) Reset() {
	f.h = make([]float64, f.m.BeliefSize)
	f.s = make([]float64, f.m.StateSize)
}

// Observe advances the belief by the action that led to obs (nil on the
// first step of an episode, meaning zero) and conditions it on obs.
func (f *Filter) Observe(obs, action []float64) error {
	m := f.m
	if len(obs) != m.ObsSize {
		return fmt.Errorf("rssm: Filter.Observe: obs has %d values, want ObsSize = %d", len(obs), m.ObsSize)
	}
	if action == nil {
		action = make([]float64, m.ActionSize)
	}
	if len(action) != m.ActionSize {
		return fmt.Errorf("rssm: Filter.Observe: action has %d values, want ActionSize = %d", len(action), m.ActionSize)
	}
	a := f.arena
	defer a.Reset()
	dt := m.DType()
	row := func(v []float64) *tensor.Tensor {
		return a.Use(tensor.New(append([]float64(nil), v...), 1, len(v)).To(dt))
	}
	h := m.Transition(row(f.s), row(action), row(f.h))
	qm, qs := m.Posterior(h, m.Embed(row(obs)))
	eps := a.Use(tensor.RandNOf(dt, f.rng, 1, m.StateSize))
	s := qm.Add(qs.Mul(eps))
	if h.HasNaN() || s.HasNaN() {
		return errors.New("rssm: Filter.Observe: the belief became NaN")
	}
	f.h, f.s = h.Values(), s.Values()
	return nil
}

// Belief returns copies of the current belief h and state s.
func (f *Filter) Belief() (h, s []float64) {
	return append([]float64(nil), f.h...), append([]float64(nil), f.s...)
}

// Imagination predicts the returns of many action sequences from one belief
// under the model's prior, without a graph, split over Workers goroutines:
// the inner loop of planning in the learned model (PlaNet's CEM, the DCEM
// paper's §5.2.2). Each sequence's return is the sum of the predicted mean
// rewards along a rollout whose stochastic states are sampled from the
// prior. The noise is drawn for all sequences before the work is split, so
// the returns do not depend on the number of workers beyond floating-point
// rounding.
//
// An Imagination belongs to one goroutine at a time.
type Imagination struct {
	m       *Model
	workers int
	rng     *tensor.RNG
	h, s    []float32
	arenas  []*tensor.Arena
	noise   []float32
	scratch [][]float32 // per worker: start rows, then the actions step-major
	// meanOnly replaces the prior samples by the prior means
	// (SetMeanStates).
	meanOnly bool
	// dm, when not nil, is the model with its parameters on the device
	// the rollouts run on (UseDevice).
	dm *Model
}

// UseDevice makes PredictReturns imagine on device d (see tensor.Device),
// or on the host's workers again for tensor.CPU. The model's parameters
// are copied to d now, without gradients: call UseDevice again after they
// change. On a device the rollouts of all the sequences run as one batch;
// the prior noise is drawn on the host as before, so the returns agree with
// the host's up to rounding. It returns an error for a float64 model.
func (im *Imagination) UseDevice(d tensor.Device) error {
	if d.IsCPU() {
		im.dm = nil
		return nil
	}
	if dt := im.m.DType(); dt != tensor.Float32 {
		return fmt.Errorf("rssm: Imagination.UseDevice: the model is %v; device models are float32", dt)
	}
	im.dm = im.m.mapLayers(func(l *nn.Linear) *nn.Linear {
		c := l.ToDevice(d)
		c.W = c.W.Detach()
		if c.B != nil {
			c.B = c.B.Detach()
		}
		return c
	})
	return nil
}

// Device returns the device PredictReturns imagines on.
func (im *Imagination) Device() tensor.Device {
	if im.dm == nil {
		return tensor.CPU
	}
	return im.dm.Pre.W.Device()
}

// NewImagination returns an imagination over m with the given number of
// worker goroutines (≥ 1) whose prior samples are drawn from seed. Its start
// is the zero belief until SetStart.
func (m *Model) NewImagination(workers int, seed uint64) (*Imagination, error) {
	if workers < 1 {
		return nil, fmt.Errorf("rssm: NewImagination: workers = %d, want ≥ 1", workers)
	}
	im := &Imagination{m: m, workers: workers, rng: tensor.NewRNG(seed),
		h: make([]float32, m.BeliefSize), s: make([]float32, m.StateSize)}
	for range workers {
		im.arenas = append(im.arenas, tensor.NewNoGradArena())
	}
	im.scratch = make([][]float32, workers)
	return im, nil
}

// SetMeanStates makes the rollouts follow the prior's means instead of
// sampling the stochastic states from it (PlaNet samples them): the
// predicted return of a sequence is then a deterministic function of the
// sequence and the start, and the noise stream is left where it is.
func (im *Imagination) SetMeanStates(on bool) { im.meanOnly = on }

// MeanStates reports whether the rollouts follow the prior's means.
func (im *Imagination) MeanStates() bool { return im.meanOnly }

// ActionSize returns the model's action length.
func (im *Imagination) ActionSize() int { return im.m.ActionSize }

// SetStart sets the belief the rollouts start from (from Filter.Belief).
func (im *Imagination) SetStart(h, s []float64) error {
	if len(h) != im.m.BeliefSize || len(s) != im.m.StateSize {
		return fmt.Errorf("rssm: Imagination.SetStart: belief of %d and state of %d values, want %d and %d", len(h), len(s), im.m.BeliefSize, im.m.StateSize)
	}
	for i, v := range h {
		im.h[i] = float32(v)
	}
	for i, v := range s {
		im.s[i] = float32(v)
	}
	return nil
}

// Free releases the storage the workers keep between calls.
func (im *Imagination) Free() {
	for _, a := range im.arenas {
		a.Free()
	}
}

// PredictReturns writes into returns[i] the predicted return of sequence i
// of the n sequences in actions, each horizon steps of ActionSize values,
// laid out (n, horizon, ActionSize). It stops early with ctx's error.
func (im *Imagination) PredictReturns(ctx context.Context, actions []float32, n, horizon int, returns []float32) error {
	m := im.m
	A, S := m.ActionSize, m.StateSize
	switch {
	case n < 1 || horizon < 1:
		return fmt.Errorf("rssm: PredictReturns: n = %d, horizon = %d, want both ≥ 1", n, horizon)
	case len(actions) != n*horizon*A:
		return fmt.Errorf("rssm: PredictReturns: %d action values, want n·horizon·ActionSize = %d", len(actions), n*horizon*A)
	case len(returns) != n:
		return fmt.Errorf("rssm: PredictReturns: returns has %d entries, want n = %d", len(returns), n)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Noise laid out (horizon, n, S), so that a worker's rows are contiguous
	// at every step.
	if cap(im.noise) < horizon*n*S {
		im.noise = make([]float32, horizon*n*S)
	}
	im.noise = im.noise[:horizon*n*S]
	if im.meanOnly {
		clear(im.noise) // the device's rollouts add zero noise; the host's read none
	} else {
		im.rng.FillNormal32(im.noise)
	}

	if im.dm != nil {
		return im.rolloutOnDevice(ctx, actions, n, horizon, returns)
	}
	w := min(im.workers, n)
	per := (n + w - 1) / w
	var wg sync.WaitGroup
	errs := make([]error, w)
	for k := range w {
		lo, hi := k*per, min((k+1)*per, n)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = im.rollout(ctx, k, actions, n, horizon, lo, hi, returns)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// rollout imagines sequences lo ≤ i < hi on worker k.
func (im *Imagination) rollout(ctx context.Context, k int, actions []float32, n, horizon, lo, hi int, returns []float32) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rssm: PredictReturns: %v", r)
		}
	}()
	m := im.m
	A, S, D := m.ActionSize, m.StateSize, m.BeliefSize
	rows := hi - lo
	need := rows*(D+S) + horizon*rows*A
	if cap(im.scratch[k]) < need {
		im.scratch[k] = make([]float32, need)
	}
	buf := im.scratch[k][:need]
	hb, sb, ab := buf[:rows*D], buf[rows*D:rows*(D+S)], buf[rows*(D+S):]
	for i := range rows {
		copy(hb[i*D:(i+1)*D], im.h)
		copy(sb[i*S:(i+1)*S], im.s)
	}
	for t := range horizon {
		for i := range rows {
			src := ((lo+i)*horizon + t) * A
			copy(ab[(t*rows+i)*A:(t*rows+i+1)*A], actions[src:src+A])
		}
	}
	a := im.arenas[k]
	defer a.Reset()
	dt := m.DType()
	use := func(v []float32, cols int) *tensor.Tensor {
		t := tensor.New32(v, rows, cols)
		if dt != tensor.Float32 {
			t = t.To(dt)
		}
		return a.Use(t)
	}
	h, s := use(hb, D), use(sb, S)
	ret := make([]float64, rows)
	for t := range horizon {
		if err := ctx.Err(); err != nil {
			return err
		}
		h = m.Transition(s, use(ab[t*rows*A:(t+1)*rows*A], A), h)
		if im.meanOnly {
			s = m.priorMean(h)
		} else {
			pm, ps := m.Prior(h)
			s = pm.Add(ps.Mul(use(im.noise[(t*n+lo)*S:(t*n+hi)*S], S)))
		}
		r := m.rewardOf(h, s)
		if dt == tensor.Float32 {
			for i, v := range r.Data32() {
				ret[i] += float64(v)
			}
		} else {
			for i, v := range r.Data() {
				ret[i] += v
			}
		}
	}
	for i, v := range ret {
		returns[lo+i] = float32(v)
	}
	return nil
}

// rolloutOnDevice imagines all n sequences as one batch on the device of
// im.dm, reading back only the returns.
func (im *Imagination) rolloutOnDevice(ctx context.Context, actions []float32, n, horizon int, returns []float32) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rssm: PredictReturns: %v", r)
		}
	}()
	m := im.dm
	d := im.Device()
	A, S, D := m.ActionSize, m.StateSize, m.BeliefSize
	act := tensor.New32(actions, n, horizon*A).ToDevice(d)
	noise := tensor.New32(im.noise, horizon*n, S).ToDevice(d)
	h := tensor.New32(im.h, 1, D).ToDevice(d).Expand(n, D)
	s := tensor.New32(im.s, 1, S).ToDevice(d).Expand(n, S)
	var ret *tensor.Tensor
	for t := range horizon {
		if err := ctx.Err(); err != nil {
			return err
		}
		h = m.Transition(s, act.Slice(1, t*A, (t+1)*A), h)
		pm, ps := m.Prior(h)
		s = pm.Add(ps.Mul(noise.Slice(0, t*n, (t+1)*n)))
		r := m.rewardOf(h, s)
		if ret == nil {
			ret = r
		} else {
			ret = ret.Add(r)
		}
	}
	copy(returns, ret.Data32())
	return nil
}

// OpenLoop filters the context observations obs[0..k) and then predicts the
// next len(actions) − k steps open loop, from the actions alone: at each
// step the belief advances by the action and the stochastic state is the
// prior's mean. actions[t] is the action that led to step t (actions[0] is
// ignored: an episode's first step has none). It returns the predicted
// observation means and rewards of steps k, k+1, …; seed draws the
// posterior samples of the context. This is PlaNet's open-loop prediction
// check of a model.
func (m *Model) OpenLoop(obs, actions [][]float64, seed uint64) (predObs [][]float64, predReward []float64, err error) {
	k := len(obs)
	if k < 1 {
		return nil, nil, errors.New("rssm: OpenLoop: no context observations")
	}
	if len(actions) < k {
		return nil, nil, fmt.Errorf("rssm: OpenLoop: %d actions for %d context observations, want at least as many", len(actions), k)
	}
	f := m.NewFilter(seed)
	for t := range k {
		var a []float64
		if t > 0 {
			a = actions[t]
		}
		if err := f.Observe(obs[t], a); err != nil {
			return nil, nil, err
		}
	}
	ar := tensor.NewNoGradArena()
	defer ar.Free()
	dt := m.DType()
	row := func(v []float64) *tensor.Tensor {
		return ar.Use(tensor.New(append([]float64(nil), v...), 1, len(v)).To(dt))
	}
	h, s := row(f.h), row(f.s)
	for t := k; t < len(actions); t++ {
		if len(actions[t]) != m.ActionSize {
			return nil, nil, fmt.Errorf("rssm: OpenLoop: action %d has %d values, want ActionSize = %d", t, len(actions[t]), m.ActionSize)
		}
		h = m.Transition(s, row(actions[t]), h)
		s, _ = m.Prior(h)
		feat := m.Features(h, s)
		predObs = append(predObs, m.PredictObs(feat).Values())
		predReward = append(predReward, m.PredictReward(feat).Item())
	}
	return predObs, predReward, nil
}

// StepFLOPs returns the floating-point operations of matrix products that
// imagining one step of one sequence costs (PredictReturns): the
// transition, the prior and the reward model, two per multiply-add. For
// PlaNet's sizes on cheetah.run it is 770 400, so a full-space CEM decision
// of 1000 candidates × 12 steps × 10 iterations costs 92 GFLOP.
func (m *Model) StepFLOPs() float64 {
	S, A, D, H := m.StateSize, m.ActionSize, m.BeliefSize, m.HiddenSize
	macs := (S+A)*H + H*3*D + D*3*D + // transition
		D*H + H*2*S + // prior
		(D+S)*H + H*H + H // reward
	return 2 * float64(macs)
}

// ImagineReturns returns the predicted returns (N) of N action sequences
// (N, horizon·ActionSize, time-major) from N start states — beliefs h
// (N, BeliefSize) and states s (N, StateSize) — recording the graph, so
// that the returns are differentiable with respect to the actions, the
// start states and the transition, prior and reward parameters: the inner
// objective of latent DCEM control in the model (the DCEM paper's eq. 8
// and app. E phase 2). With rng nil the stochastic states follow the prior
// means; otherwise they are reparameterized samples drawn from rng.
func (m *Model) ImagineReturns(h, s, actions *tensor.Tensor, horizon int, rng *tensor.RNG) *tensor.Tensor {
	A := m.ActionSize
	n := h.Dim(0)
	if horizon < 1 || actions.Dims() != 2 || actions.Dim(0) != n || actions.Dim(1) != horizon*A {
		panic(fmt.Sprintf("rssm.ImagineReturns: actions of shape %v for %d start states, want (%d, horizon·ActionSize = %d)",
			actions.Shape(), n, n, horizon*A))
	}
	var ret *tensor.Tensor
	for t := range horizon {
		h = m.Transition(s, actions.Slice(1, t*A, (t+1)*A), h)
		if rng == nil {
			s = m.priorMean(h)
		} else {
			pm, ps := m.Prior(h)
			eps := tensor.RandNOf(m.DType(), rng, n, m.StateSize)
			if a := h.Arena(); a != nil {
				eps = a.Use(eps)
			}
			s = pm.Add(ps.Mul(eps))
		}
		r := m.rewardOf(h, s)
		if ret == nil {
			ret = r
		} else {
			ret = ret.Add(r)
		}
	}
	return ret
}
