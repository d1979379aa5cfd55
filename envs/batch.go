package envs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Batch steps a set of independent environments in parallel on a fixed
// number of goroutines. Each environment is stepped by one goroutine at a
// time, and environments share no state, so the results are bit-identical
// to stepping them one after another.
type Batch struct {
	Envs    []Env
	Workers int // goroutines; values below 1 mean 1
}

// NewBatch returns a Batch of envs stepped by workers goroutines.
func NewBatch(envs []Env, workers int) (*Batch, error) {
	if len(envs) == 0 {
		return nil, errors.New("envs: NewBatch: no environments")
	}
	if workers < 1 {
		return nil, fmt.Errorf("envs: NewBatch: workers=%d, want workers ≥ 1", workers)
	}
	for i, e := range envs {
		if e == nil {
			return nil, fmt.Errorf("envs: NewBatch: envs[%d] is nil", i)
		}
	}
	return &Batch{Envs: envs, Workers: workers}, nil
}

// Transition is what one environment's Step returned.
type Transition struct {
	Obs    []float64
	Reward float64
	Done   bool
	Err    error
}

// run calls fn(i) for every environment on the workers. A panic in fn(i)
// is recovered and returned, as the error of the lowest-numbered
// environment that panicked, so that it cannot take down the process from a
// worker goroutine.
func (b *Batch) run(ctx context.Context, fn func(i int)) error {
	n := len(b.Envs)
	w := min(max(b.Workers, 1), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	panics := make([]error, n)
	call := func(i int) {
		defer func() {
			if r := recover(); r != nil {
				panics[i] = fmt.Errorf("envs: Batch: envs[%d] panicked: %v", i, r)
			}
		}()
		fn(i)
	}
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				call(i)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range panics {
		if err != nil {
			return err
		}
	}
	return nil
}

// Reset resets environment i with seeds[i] and returns the observations.
// It returns the error of the lowest-numbered environment that failed.
func (b *Batch) Reset(ctx context.Context, seeds []uint64) ([][]float64, error) {
	if len(seeds) != len(b.Envs) {
		return nil, fmt.Errorf("envs: Batch.Reset: len(seeds)=%d, want len(Envs)=%d", len(seeds), len(b.Envs))
	}
	obs := make([][]float64, len(b.Envs))
	errs := make([]error, len(b.Envs))
	if err := b.run(ctx, func(i int) { obs[i], errs[i] = b.Envs[i].Reset(seeds[i]) }); err != nil {
		return nil, err
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("envs: Batch.Reset: envs[%d]: %w", i, err)
		}
	}
	return obs, nil
}

// Step applies actions[i] to environment i. Per-environment errors are
// reported in the transitions, not as the returned error, which is ctx's
// error or a mismatch between len(actions) and len(Envs).
func (b *Batch) Step(ctx context.Context, actions [][]float64) ([]Transition, error) {
	if len(actions) != len(b.Envs) {
		return nil, fmt.Errorf("envs: Batch.Step: len(actions)=%d, want len(Envs)=%d", len(actions), len(b.Envs))
	}
	out := make([]Transition, len(b.Envs))
	err := b.run(ctx, func(i int) {
		t := &out[i]
		t.Obs, t.Reward, t.Done, t.Err = b.Envs[i].Step(actions[i])
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Policy chooses an action for environment env at step t of an episode from
// its observation obs. It is called from several goroutines at once, never
// twice at once for the same env.
type Policy func(env, t int, obs []float64) []float64

// Episode is the record of one episode of Rollouts.
type Episode struct {
	Obs     [][]float64 // observations, the first from Reset
	Actions [][]float64
	Rewards []float64
	Return  float64 // sum of Rewards
}

// Rollouts runs one episode in each environment, environment i reset with
// seeds[i] and driven by policy for at most maxSteps steps or until done.
// Episodes run in parallel, one environment per worker at a time.
func (b *Batch) Rollouts(ctx context.Context, seeds []uint64, policy Policy, maxSteps int) ([]Episode, error) {
	if len(seeds) != len(b.Envs) {
		return nil, fmt.Errorf("envs: Batch.Rollouts: len(seeds)=%d, want len(Envs)=%d", len(seeds), len(b.Envs))
	}
	if maxSteps < 0 {
		return nil, fmt.Errorf("envs: Batch.Rollouts: maxSteps=%d, want maxSteps ≥ 0", maxSteps)
	}
	eps := make([]Episode, len(b.Envs))
	errs := make([]error, len(b.Envs))
	err := b.run(ctx, func(i int) {
		eps[i], errs[i] = Rollout(ctx, b.Envs[i], seeds[i], func(t int, obs []float64) []float64 {
			return policy(i, t, obs)
		}, maxSteps)
	})
	if err != nil {
		return nil, err
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("envs: Batch.Rollouts: envs[%d]: %w", i, err)
		}
	}
	return eps, nil
}

// Rollout runs one episode of env, reset with seed and driven by policy for
// at most maxSteps steps or until done. It checks ctx between steps.
func Rollout(ctx context.Context, env Env, seed uint64, policy func(t int, obs []float64) []float64, maxSteps int) (Episode, error) {
	var ep Episode
	obs, err := env.Reset(seed)
	if err != nil {
		return ep, err
	}
	ep.Obs = append(ep.Obs, obs)
	for t := range maxSteps {
		if err := ctx.Err(); err != nil {
			return ep, err
		}
		a := policy(t, obs)
		var r float64
		var done bool
		obs, r, done, err = env.Step(a)
		if err != nil {
			return ep, fmt.Errorf("step %d: %w", t, err)
		}
		ep.Obs = append(ep.Obs, obs)
		ep.Actions = append(ep.Actions, append([]float64(nil), a...))
		ep.Rewards = append(ep.Rewards, r)
		ep.Return += r
		if done {
			break
		}
	}
	return ep, nil
}
