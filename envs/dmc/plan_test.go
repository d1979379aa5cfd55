package dmc

import (
	"context"
	"math"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestPlannerMatchesStepping: the planner's return of a sequence equals the
// rewards of stepping the Env itself through the same actions, whatever the
// number of workers, and leaves the Env unchanged.
func TestPlannerMatchesStepping(t *testing.T) {
	for _, name := range []string{"cheetah.run", "walker.walk"} {
		e, err := New(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Reset(3); err != nil {
			t.Fatal(err)
		}
		nu, h, repeat := e.ActionSize(), 5, 2
		seqs := make([][]float64, 4)
		for i := range seqs {
			seqs[i] = make([]float64, h*nu)
			for j := range seqs[i] {
				seqs[i][j] = math.Sin(float64(7*i+j)) * 0.8
			}
		}
		obs0 := e.Observation()
		var got [][]float64
		for _, workers := range []int{1, 3} {
			p, err := NewPlanner(e, workers, repeat)
			if err != nil {
				t.Fatal(err)
			}
			r, err := p.Returns(context.Background(), e, seqs)
			if err != nil {
				t.Fatal(err)
			}
			p.Close()
			got = append(got, r)
		}
		for i := range seqs {
			if got[0][i] != got[1][i] {
				t.Errorf("%s: sequence %d: %g with 1 worker, %g with 3", name, i, got[0][i], got[1][i])
			}
		}
		for i, v := range e.Observation() {
			if v != obs0[i] {
				t.Fatalf("%s: planning changed the env", name)
			}
		}
		// Step a clone of the state through sequence 2 by hand.
		c, _ := e.Clone()
		c.Reset(3)
		want := 0.0
		for k := 0; k < h; k++ {
			for range repeat {
				_, r, _, err := c.Step(seqs[2][k*nu : (k+1)*nu])
				if err != nil {
					t.Fatal(err)
				}
				want += r
			}
		}
		c.Close()
		if math.Abs(got[0][2]-want) > 1e-12 {
			t.Errorf("%s: planner return %g, stepping %g", name, got[0][2], want)
		}
		e.Close()
	}
}

func TestPlannerErrors(t *testing.T) {
	e, _ := New("cheetah.run")
	defer e.Close()
	if _, err := NewPlanner(e, 0, 1); err == nil {
		t.Error("0 workers accepted")
	}
	p, _ := NewPlanner(e, 1, 1)
	defer p.Close()
	if _, err := p.Returns(context.Background(), e, [][]float64{{0}}); err == nil {
		t.Error("planning before Reset accepted")
	}
	e.Reset(1)
	if _, err := p.Returns(context.Background(), e, [][]float64{{0, 0, 0}}); err == nil {
		t.Error("a sequence of 3 values accepted for 6 actuators")
	}
}

// TestSimModelWithCEMPlanner plans cheetah.run on the true simulator
// through the same full-space CEM planner that plans in learned models:
// a few planned steps earn more than random actions do.
func TestSimModelWithCEMPlanner(t *testing.T) {
	env, err := New("cheetah.run")
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	planner, err := NewPlanner(env, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer planner.Close()
	cem := control.CEMPlanner{Horizon: 8, Candidates: 60, Elites: 6, Iterations: 3, InitStd: 1, Lower: -1, Upper: 1}
	play := func(plan bool) float64 {
		if _, err := env.Reset(5); err != nil {
			t.Fatal(err)
		}
		g := tensor.NewRNG(6)
		ret := 0.0
		for step := range 15 {
			a := make([]float64, 6)
			if plan {
				seq, err := cem.Plan(context.Background(), SimModel{Planner: planner, From: env}, uint64(step))
				if err != nil {
					t.Fatal(err)
				}
				for i := range a {
					a[i] = float64(seq[i])
				}
			} else {
				for i := range a {
					a[i] = 2*g.Uniform() - 1
				}
			}
			for range 4 {
				_, r, _, err := env.Step(a)
				if err != nil {
					t.Fatal(err)
				}
				ret += r
			}
		}
		return ret
	}
	planned, random := play(true), play(false)
	t.Logf("60 control steps: planned return %.2f, random %.2f", planned, random)
	if planned < random+1 {
		t.Errorf("planned return %.2f, random %.2f: planning on the true simulator must do clearly better", planned, random)
	}
}
