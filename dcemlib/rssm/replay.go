package rssm

import (
	"errors"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Episode is one episode of experience in float32, flat: step t has the
// observation Obs[t·ObsSize:(t+1)·ObsSize], the action that led to it
// Actions[t·ActionSize:…] (zeros at t = 0) and the reward received with it
// Rewards[t] (0 at t = 0).
type Episode struct {
	Obs, Actions, Rewards []float32
}

// Len returns the number of steps.
func (e *Episode) Len() int { return len(e.Rewards) }

// Append adds a step; action and reward are those that led to obs.
func (e *Episode) Append(obs, action []float64, reward float64) {
	for _, v := range obs {
		e.Obs = append(e.Obs, float32(v))
	}
	for _, v := range action {
		e.Actions = append(e.Actions, float32(v))
	}
	e.Rewards = append(e.Rewards, float32(reward))
}

// Return returns the sum of the episode's rewards.
func (e *Episode) Return() float64 {
	s := 0.0
	for _, r := range e.Rewards {
		s += float64(r)
	}
	return s
}

// Replay is a buffer of whole episodes from which training chunks are drawn
// uniformly: an episode uniformly among those long enough, then a start
// uniformly within it (PlaNet's sampling). Its fields are exported so that
// checkpoints can store it.
type Replay struct {
	ObsSize, ActionSize int
	Episodes            []Episode
	// Capacity, when positive, is the most steps the buffer keeps: Add
	// drops the oldest episodes while the buffer holds more (never the
	// episode just added). Zero keeps every episode, as PlaNet does.
	Capacity int `json:",omitempty"`
	// Dropped counts the episodes dropped so far.
	Dropped int `json:",omitempty"`
}

// NewReplay returns an empty buffer for the given sizes.
func NewReplay(obsSize, actionSize int) (*Replay, error) {
	if obsSize < 1 || actionSize < 1 {
		return nil, fmt.Errorf("rssm: NewReplay: obsSize = %d, actionSize = %d, want both ≥ 1", obsSize, actionSize)
	}
	return &Replay{ObsSize: obsSize, ActionSize: actionSize}, nil
}

// Add stores an episode after checking its lengths and that every value is
// finite.
func (r *Replay) Add(e Episode) error {
	n := e.Len()
	switch {
	case n < 1:
		return errors.New("rssm: Replay.Add: the episode is empty")
	case len(e.Obs) != n*r.ObsSize:
		return fmt.Errorf("rssm: Replay.Add: %d observation values for %d steps, want %d", len(e.Obs), n, n*r.ObsSize)
	case len(e.Actions) != n*r.ActionSize:
		return fmt.Errorf("rssm: Replay.Add: %d action values for %d steps, want %d", len(e.Actions), n, n*r.ActionSize)
	}
	for _, f := range []struct {
		name string
		vs   []float32
	}{{"observation", e.Obs}, {"action", e.Actions}, {"reward", e.Rewards}} {
		for i, v := range f.vs {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("rssm: Replay.Add: %s value %d is %g", f.name, i, v)
			}
		}
	}
	r.Episodes = append(r.Episodes, e)
	if r.Capacity > 0 {
		steps, drop := r.Steps(), 0
		for drop < len(r.Episodes)-1 && steps > r.Capacity {
			steps -= r.Episodes[drop].Len()
			drop++
		}
		if drop > 0 {
			clear(r.Episodes[:drop])
			r.Episodes = append(r.Episodes[:0], r.Episodes[drop:]...)
			r.Dropped += drop
		}
	}
	return nil
}

// ObsStd returns each observation dimension's standard deviation over
// every step stored (zeros for an empty buffer).
func (r *Replay) ObsStd() []float64 {
	O := r.ObsSize
	sum, sq := make([]float64, O), make([]float64, O)
	n := 0.0
	for _, e := range r.Episodes {
		for t := range e.Len() {
			for d := range O {
				v := float64(e.Obs[t*O+d])
				sum[d] += v
				sq[d] += v * v
			}
			n++
		}
	}
	out := make([]float64, O)
	if n > 0 {
		for d := range O {
			m := sum[d] / n
			out[d] = math.Sqrt(math.Max(sq[d]/n-m*m, 0))
		}
	}
	return out
}

// Steps returns the number of steps stored.
func (r *Replay) Steps() int {
	n := 0
	for i := range r.Episodes {
		n += r.Episodes[i].Len()
	}
	return n
}

// Sample draws batch chunks of length steps as a Batch in dtype dt. It
// returns an error if no episode has length steps.
func (r *Replay) Sample(batch, length int, dt tensor.DType, rng *tensor.RNG) (Batch, error) {
	if batch < 1 || length < 1 {
		return Batch{}, fmt.Errorf("rssm: Replay.Sample: batch = %d, length = %d, want both ≥ 1", batch, length)
	}
	var long []int
	for i := range r.Episodes {
		if r.Episodes[i].Len() >= length {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return Batch{}, fmt.Errorf("rssm: Replay.Sample: no episode has length = %d steps (%d episodes stored)", length, len(r.Episodes))
	}
	O, A := r.ObsSize, r.ActionSize
	obs := make([]float32, length*batch*O)
	act := make([]float32, length*batch*A)
	rew := make([]float32, length*batch)
	for b := range batch {
		e := &r.Episodes[long[rng.Intn(len(long))]]
		start := rng.Intn(e.Len() - length + 1)
		for t := range length {
			i := (t*batch + b)
			copy(obs[i*O:(i+1)*O], e.Obs[(start+t)*O:(start+t+1)*O])
			copy(act[i*A:(i+1)*A], e.Actions[(start+t)*A:(start+t+1)*A])
			rew[i] = e.Rewards[start+t]
		}
	}
	mk := func(v []float32, shape ...int) *tensor.Tensor {
		t := tensor.New32(v, shape...)
		if dt != tensor.Float32 {
			t = t.To(dt)
		}
		return t
	}
	return Batch{
		Obs:     mk(obs, length, batch, O),
		Actions: mk(act, length, batch, A),
		Rewards: mk(rew, length, batch),
	}, nil
}
