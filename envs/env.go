// Package envs defines the interface shared by the control environments of
// the DCEM paper's experiments (Amos & Yarats 2020, §5): the differentiable
// cartpole (envs/cartpole) and the MuJoCo tasks cheetah.run and walker.walk
// (envs/dmc). It also holds what works on any environment: the action-repeat
// wrapper the paper's PlaNet experiments use (§5.2.2), action validation, and
// Batch, which steps many environments in parallel.
package envs

import (
	"errors"
	"fmt"
	"math"
)

// Env is an episodic control environment with a Gym-like interface.
//
// Reset starts an episode and returns the first observation; everything
// random in it is drawn from seed, so the same seed gives the same episode.
// Step applies an action, which must have ActionSize entries, each finite;
// entries outside ActionBounds are clamped. It returns the next observation,
// the reward of the transition and whether the episode is over, after which
// Step returns an error until the next Reset.
//
// Observations and action bounds are fresh slices that the caller owns.
type Env interface {
	Reset(seed uint64) ([]float64, error)
	Step(action []float64) (obs []float64, reward float64, done bool, err error)
	ObservationSize() int
	ActionSize() int
	ActionBounds() (lo, hi []float64)
}

// ErrEpisodeOver is returned by Step after an episode ended, until Reset.
var ErrEpisodeOver = errors.New("envs: the episode is over; call Reset")

// ErrNotReset is returned by Step before the first Reset.
var ErrNotReset = errors.New("envs: Step before Reset")

// CheckAction returns an error if action does not have len(lo) entries or
// holds a NaN or an infinity; the error names the argument and the bound.
// Environments call it at the start of Step.
func CheckAction(action, lo, hi []float64) error {
	if len(action) != len(lo) {
		return fmt.Errorf("envs: len(action)=%d, want ActionSize()=%d", len(action), len(lo))
	}
	for i, a := range action {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("envs: action[%d]=%v, want a finite number in [%v, %v]", i, a, lo[i], hi[i])
		}
	}
	return nil
}

// Clamp writes action clamped elementwise to [lo, hi] into dst and returns
// dst. dst may be action itself.
func Clamp(dst, action, lo, hi []float64) []float64 {
	for i, a := range action {
		dst[i] = min(max(a, lo[i]), hi[i])
	}
	return dst
}

// ActionRepeat wraps an Env so that each Step applies the action Repeat
// times to the wrapped Env and returns the last observation and the sum of
// the rewards; it stops early when the episode ends. PlaNet and the DCEM
// paper use 4 repeats for cheetah.run and 2 for walker.walk.
type ActionRepeat struct {
	Env    Env
	Repeat int
}

// NewActionRepeat wraps env, repeating each action repeat ≥ 1 times.
func NewActionRepeat(env Env, repeat int) (*ActionRepeat, error) {
	if env == nil {
		return nil, errors.New("envs: NewActionRepeat: env is nil")
	}
	if repeat < 1 {
		return nil, fmt.Errorf("envs: NewActionRepeat: repeat=%d, want repeat ≥ 1", repeat)
	}
	return &ActionRepeat{Env: env, Repeat: repeat}, nil
}

// Reset resets the wrapped Env.
func (a *ActionRepeat) Reset(seed uint64) ([]float64, error) { return a.Env.Reset(seed) }

// Step applies action Repeat times and sums the rewards.
func (a *ActionRepeat) Step(action []float64) (obs []float64, reward float64, done bool, err error) {
	if a.Repeat < 1 {
		return nil, 0, false, fmt.Errorf("envs: ActionRepeat.Repeat=%d, want Repeat ≥ 1", a.Repeat)
	}
	for range a.Repeat {
		var r float64
		obs, r, done, err = a.Env.Step(action)
		if err != nil {
			return nil, reward, done, err
		}
		reward += r
		if done {
			break
		}
	}
	return obs, reward, done, nil
}

// ObservationSize returns the wrapped Env's observation size.
func (a *ActionRepeat) ObservationSize() int { return a.Env.ObservationSize() }

// ActionSize returns the wrapped Env's action size.
func (a *ActionRepeat) ActionSize() int { return a.Env.ActionSize() }

// ActionBounds returns the wrapped Env's action bounds.
func (a *ActionRepeat) ActionBounds() (lo, hi []float64) { return a.Env.ActionBounds() }

// Close closes the wrapped Env if it has a Close method.
func (a *ActionRepeat) Close() error {
	if c, ok := a.Env.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}
