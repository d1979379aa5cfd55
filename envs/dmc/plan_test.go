package dmc

import (
	"context"
	"math"
	"testing"
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
