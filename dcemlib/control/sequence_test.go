package control

import (
	"context"
	"math"
	"strings"
	"testing"
)

// pointMass is a known system: a point in the plane with velocity, pushed
// by a bounded force, rewarded by minus its distance to a goal.
type pointMass struct {
	pos, vel   [2]float64
	goal       [2]float64
	nanReturns bool
}

const pmDt = 0.1

func (p *pointMass) step(pos, vel *[2]float64, a []float32) {
	for d := range 2 {
		u := math.Max(-1, math.Min(1, float64(a[d])))
		vel[d] += pmDt * u
		pos[d] += pmDt * vel[d]
	}
}

func (p *pointMass) reward(pos [2]float64) float64 {
	return -math.Hypot(pos[0]-p.goal[0], pos[1]-p.goal[1])
}

func (p *pointMass) ActionSize() int { return 2 }

func (p *pointMass) PredictReturns(ctx context.Context, actions []float32, n, horizon int, returns []float32) error {
	for i := range n {
		pos, vel := p.pos, p.vel
		r := 0.0
		for t := range horizon {
			p.step(&pos, &vel, actions[(i*horizon+t)*2:])
			r += p.reward(pos)
		}
		returns[i] = float32(r)
		if p.nanReturns && i == 7 {
			returns[i] = float32(math.NaN())
		}
	}
	return nil
}

// TestCEMPlannerReachesGoal: receding-horizon control of the point mass by
// full-space CEM brings it to the goal and keeps it there.
func TestCEMPlannerReachesGoal(t *testing.T) {
	p := CEMPlanner{Horizon: 15, Candidates: 200, Elites: 20, Iterations: 5, InitStd: 1, Lower: -1, Upper: 1}
	pm := &pointMass{goal: [2]float64{1, -0.5}}
	for step := range 80 {
		plan, err := p.Plan(context.Background(), pm, uint64(step))
		if err != nil {
			t.Fatal(err)
		}
		if len(plan) != 15*2 {
			t.Fatalf("plan has %d values, want 30", len(plan))
		}
		for _, v := range plan {
			if v < -1 || v > 1 {
				t.Fatalf("planned action %g outside [-1, 1]", v)
			}
		}
		pm.step(&pm.pos, &pm.vel, plan[:2])
	}
	dist := -pm.reward(pm.pos)
	speed := math.Hypot(pm.vel[0], pm.vel[1])
	// From rest 1.1 away, the point needs about 3.5 s of its 8 to arrive
	// under the force bound; it must then hold still at the goal.
	if dist > 0.05 || speed > 0.1 {
		t.Errorf("after 80 steps: distance %.3f, speed %.3f; want ≤ 0.05 and ≤ 0.1", dist, speed)
	}
}

func TestCEMPlannerErrors(t *testing.T) {
	pm := &pointMass{}
	for _, c := range []struct {
		want string
		edit func(*CEMPlanner)
	}{
		{"Horizon", func(p *CEMPlanner) { p.Horizon = 0 }},
		{"Candidates", func(p *CEMPlanner) { p.Candidates = 1 }},
		{"Elites", func(p *CEMPlanner) { p.Elites = p.Candidates }},
		{"Iterations", func(p *CEMPlanner) { p.Iterations = 0 }},
		{"InitStd", func(p *CEMPlanner) { p.InitStd = math.NaN() }},
		{"bounds", func(p *CEMPlanner) { p.Lower = 1 }},
	} {
		p := PlaNetCEM()
		c.edit(&p)
		if _, err := p.Plan(context.Background(), pm, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v", c.want, err)
		}
	}
	p := CEMPlanner{Horizon: 3, Candidates: 20, Elites: 2, Iterations: 2, InitStd: 1, Lower: -1, Upper: 1}
	if _, err := p.Plan(context.Background(), &pointMass{nanReturns: true}, 1); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN returns: error %v, want one saying NaN", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Plan(ctx, pm, 1); err == nil {
		t.Error("cancelled context: no error")
	}
}
