package envs

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// integrator is a 1-D point x' = x + a with reward -x², episodes of n steps
// and a start drawn from the seed: a fake Env for testing the helpers.
type integrator struct {
	x     float64
	t, n  int
	reset bool
}

func (e *integrator) Reset(seed uint64) ([]float64, error) {
	e.x, e.t, e.reset = float64(seed%7), 0, true
	return []float64{e.x}, nil
}

func (e *integrator) Step(a []float64) ([]float64, float64, bool, error) {
	lo, hi := e.ActionBounds()
	if err := CheckAction(a, lo, hi); err != nil {
		return nil, 0, false, err
	}
	if !e.reset {
		return nil, 0, false, ErrNotReset
	}
	if e.t >= e.n {
		return nil, 0, true, ErrEpisodeOver
	}
	var c [1]float64
	Clamp(c[:], a, lo, hi)
	e.x += c[0]
	e.t++
	return []float64{e.x}, -e.x * e.x, e.t >= e.n, nil
}

func (e *integrator) ObservationSize() int             { return 1 }
func (e *integrator) ActionSize() int                  { return 1 }
func (e *integrator) ActionBounds() (lo, hi []float64) { return []float64{-1}, []float64{1} }

func TestCheckAction(t *testing.T) {
	lo, hi := []float64{-1, -2}, []float64{1, 2}
	for _, tc := range []struct {
		a    []float64
		want string
	}{
		{[]float64{0}, "len(action)=1, want ActionSize()=2"},
		{[]float64{0, math.NaN()}, "action[1]=NaN, want a finite number in [-2, 2]"},
		{[]float64{math.Inf(1), 0}, "action[0]=+Inf"},
		{[]float64{0, 5}, ""},
	} {
		err := CheckAction(tc.a, lo, hi)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckAction(%v): %v, want %q", tc.a, err, tc.want)
		}
	}
	if got := Clamp(make([]float64, 2), []float64{-3, 0.5}, lo, hi); got[0] != -1 || got[1] != 0.5 {
		t.Errorf("Clamp = %v, want [-1 0.5]", got)
	}
}

func TestActionRepeat(t *testing.T) {
	e := &integrator{n: 5}
	ar, err := NewActionRepeat(e, 2)
	if err != nil {
		t.Fatal(err)
	}
	ar.Reset(3) // x = 3
	obs, r, done, err := ar.Step([]float64{-1})
	// x: 3 → 2 → 1; rewards -4 and -1.
	if err != nil || obs[0] != 1 || r != -5 || done {
		t.Errorf("first repeated step: %v, %v, %v, %v; want [1], -5, false, nil", obs, r, done, err)
	}
	ar.Step([]float64{-1})                    // x → 0 → -1, t = 4
	obs, r, done, err = ar.Step([]float64{1}) // one step left: x → 0
	if err != nil || obs[0] != 0 || r != 0 || !done {
		t.Errorf("last repeated step: %v, %v, %v, %v; want [0], 0, true, nil (stopping at the end)", obs, r, done, err)
	}
	if _, _, _, err := ar.Step([]float64{1}); !errors.Is(err, ErrEpisodeOver) {
		t.Errorf("after the end: %v, want ErrEpisodeOver", err)
	}
	if _, err := NewActionRepeat(e, 0); err == nil || !strings.Contains(err.Error(), "repeat ≥ 1") {
		t.Errorf("NewActionRepeat(e, 0): %v", err)
	}
	if ar.ObservationSize() != 1 || ar.ActionSize() != 1 {
		t.Error("ActionRepeat does not forward the sizes")
	}
}

func TestBatch(t *testing.T) {
	const n = 5
	es := make([]Env, n)
	for i := range es {
		es[i] = &integrator{n: 10}
	}
	b, err := NewBatch(es, 2)
	if err != nil {
		t.Fatal(err)
	}
	seeds := []uint64{0, 1, 2, 3, 4}
	obs, err := b.Reset(context.Background(), seeds)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if obs[i][0] != float64(i) {
			t.Errorf("env %d reset to %v, want %d", i, obs[i][0], i)
		}
	}
	actions := [][]float64{{1}, {-1}, {0.5}, {2}, {math.NaN()}}
	tr, err := b.Step(context.Background(), actions)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{1, 0, 2.5, 4} {
		if tr[i].Err != nil || tr[i].Obs[0] != want || tr[i].Reward != -want*want {
			t.Errorf("env %d: %+v, want x = %v", i, tr[i], want)
		}
	}
	if tr[4].Err == nil || !strings.Contains(tr[4].Err.Error(), "action[0]=NaN") {
		t.Errorf("env 4: error %v, want the NaN action reported", tr[4].Err)
	}
	if _, err := b.Step(context.Background(), actions[:2]); err == nil || !strings.Contains(err.Error(), "len(Envs)=5") {
		t.Errorf("short actions: %v", err)
	}
	eps, err := b.Rollouts(context.Background(), seeds, func(env, t int, obs []float64) []float64 {
		return []float64{-0.5}
	}, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, ep := range eps {
		// x_k = i - k/2 for k = 1..10.
		want := 0.0
		for k := 1; k <= 10; k++ {
			x := float64(i) - float64(k)/2
			want -= x * x
		}
		if len(ep.Rewards) != 10 || math.Abs(ep.Return-want) > 1e-12 {
			t.Errorf("env %d: %d steps, return %v; want 10, %v", i, len(ep.Rewards), ep.Return, want)
		}
	}
	if _, err := NewBatch(es, 0); err == nil {
		t.Error("NewBatch with 0 workers returned no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Reset(ctx, seeds); !errors.Is(err, context.Canceled) {
		t.Errorf("Reset with a cancelled context: %v", err)
	}
}

func TestBatchRecoversPanics(t *testing.T) {
	es := []Env{&integrator{n: 3}, &integrator{n: 3}}
	b, _ := NewBatch(es, 2)
	_, err := b.Rollouts(context.Background(), []uint64{1, 2}, func(env, t int, obs []float64) []float64 {
		if env == 1 {
			panic("policy bug")
		}
		return []float64{0}
	}, 3)
	if err == nil || !strings.Contains(err.Error(), "envs[1] panicked: policy bug") {
		t.Errorf("Rollouts with a panicking policy: %v, want the panic as an error", err)
	}
}
