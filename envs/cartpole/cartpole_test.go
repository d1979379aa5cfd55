package cartpole

import (
	"encoding/xml"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// TestStepKnownValue: from the hanging rest state a 10 N push gives
// temp = 10/1.1, θ̈ = temp / (0.5·(4/3 − 0.1/1.1)), ẍ = temp + 0.05·θ̈/1.1
// (hand-computed; sin π ≈ 1e-16 contributes nothing at this tolerance).
func TestStepKnownValue(t *testing.T) {
	p := DefaultParams()
	s := p.Step(Hanging, 10)
	temp := 10 / 1.1
	thAcc := temp / (0.5 * (4.0/3.0 - 0.1/1.1))
	xAcc := temp + 0.05*thAcc/1.1
	want := State{0, 0.05 * xAcc, math.Pi, 0.05 * thAcc}
	for i, v := range []float64{s.X, s.XDot, s.Theta, s.ThetaDot} {
		w := want.Vec()[i]
		if math.Abs(v-w) > 1e-12 {
			t.Errorf("component %d: %.15g, want %.15g", i, v, w)
		}
	}
	if math.Abs(s.XDot-0.487804878) > 1e-8 || math.Abs(s.ThetaDot-0.731707317) > 1e-8 {
		t.Errorf("step: %+v", s)
	}
	// Upright at rest with no force is an equilibrium; clamped force.
	if up := p.Step(State{}, 0); up != (State{}) {
		t.Errorf("upright moved: %+v", up)
	}
	if a, b := p.Step(Hanging, 1e6), p.Step(Hanging, 100); a != b {
		t.Errorf("force not clamped: %+v vs %+v", a, b)
	}
}

func randomBatch(rng *tensor.RNG, n, h int) ([]State, *tensor.Tensor) {
	st := SampleStates(rng, n)
	u := tensor.RandN(rng, n, h).MulScalar(30)
	return st, u
}

func TestGraphViewsAgree(t *testing.T) {
	p := DefaultParams()
	rng := tensor.NewRNG(1)
	st, u := randomBatch(rng, 5, 8)
	x0 := StatesTensor(st)
	// StepGraph against Step.
	next := p.StepGraph(x0, u.Slice(1, 0, 1))
	for i, s := range st {
		want := p.Step(s, u.At(i, 0)).Vec()
		for j := 0; j < 4; j++ {
			if math.Abs(next.At(i, j)-want[j]) > 1e-12 {
				t.Fatalf("StepGraph row %d col %d: %g, want %g", i, j, next.At(i, j), want[j])
			}
		}
	}
	// RolloutCost against Cost and against the unrolled graph.
	c := p.RolloutCost(x0, u)
	s := x0
	total := tensor.Zeros(5)
	for k := 0; k < 8; k++ {
		uk := u.Slice(1, k, k+1).Reshape(5)
		s = p.StepGraph(s, uk)
		total = total.Add(StepCostGraph(s, uk))
	}
	for i, st0 := range st {
		want := p.Cost(st0, u.Data()[i*8:(i+1)*8])
		if math.Abs(c.Data()[i]-want) > 1e-10 || math.Abs(total.Data()[i]-want) > 1e-10 {
			t.Errorf("sequence %d: fused %g, graph %g, plain %g", i, c.Data()[i], total.Data()[i], want)
		}
	}
}

func TestGradients(t *testing.T) {
	p := DefaultParams()
	rng := tensor.NewRNG(2)
	st, u0 := randomBatch(rng, 3, 6)
	u := u0.RequiresGrad()
	x0 := StatesTensor(st).RequiresGrad()
	if err := tensor.GradCheck(func() *tensor.Tensor { return p.RolloutCost(x0, u) }, []*tensor.Tensor{x0, u}, 1e-6, 1e-5); err != nil {
		t.Errorf("RolloutCost: %v", err)
	}
	shared := tensor.New([]float64{0.1, -0.2, 2.5, 0.3}).RequiresGrad()
	if err := tensor.GradCheck(func() *tensor.Tensor { return p.RolloutCost(shared, u) }, []*tensor.Tensor{shared, u}, 1e-6, 1e-5); err != nil {
		t.Errorf("RolloutCost shared start: %v", err)
	}
	if err := tensor.GradCheck(func() *tensor.Tensor {
		return p.StepGraph(x0, u.Slice(1, 0, 1))
	}, []*tensor.Tensor{x0, u}, 1e-6, 1e-6); err != nil {
		t.Errorf("StepGraph: %v", err)
	}
	// Clamped forces get no gradient.
	big := tensor.Full(150, 1, 3).RequiresGrad()
	p.RolloutCost(tensor.New([]float64{0, 0, math.Pi, 0}), big).Sum().Backward()
	for _, g := range big.Grad().Data() {
		if math.Abs(g-2e-5*150) > 1e-12 { // only the control penalty
			t.Errorf("clamped gradient %v", big.Grad().Data())
		}
	}
}

func TestEnv(t *testing.T) {
	e := NewEnv()
	e.MaxSteps = 3
	if _, _, _, err := e.Step([]float64{0}); !errors.Is(err, envs.ErrNotReset) {
		t.Fatalf("step before reset: %v", err)
	}
	obs, err := e.Reset(7)
	if err != nil || len(obs) != 5 {
		t.Fatal(obs, err)
	}
	obs2, _ := NewEnv().Reset(7)
	for i := range obs {
		if obs[i] != obs2[i] {
			t.Fatal("Reset is not deterministic under a seed")
		}
	}
	s0 := e.State()
	_, r, done, err := e.Step([]float64{500})
	if err != nil || done {
		t.Fatal(err, done)
	}
	want := p100(s0)
	if math.Abs(r-(-StepCost(want, 100))) > 1e-12 {
		t.Errorf("reward %g", r)
	}
	if _, _, _, err := e.Step([]float64{math.NaN()}); err == nil || !strings.Contains(err.Error(), "action[0]") {
		t.Errorf("NaN action: %v", err)
	}
	if _, _, _, err := e.Step([]float64{1, 2}); err == nil {
		t.Error("two actions accepted")
	}
	e.Step([]float64{0})
	if _, _, done, _ := e.Step([]float64{0}); !done {
		t.Error("episode did not end after MaxSteps")
	}
	if _, _, _, err := e.Step([]float64{0}); !errors.Is(err, envs.ErrEpisodeOver) {
		t.Errorf("step after end: %v", err)
	}
	e.Start = &Hanging
	obs, _ = e.Reset(1)
	if obs[2] != -1 {
		t.Errorf("hanging start: %v", obs)
	}
}

func p100(s State) State { return DefaultParams().Step(s, 100) }

func TestSVG(t *testing.T) {
	p := DefaultParams()
	states := p.Rollout(Hanging, []float64{50, -50, 50, 20})
	for _, doc := range []string{p.SVG(Hanging), p.AnimatedSVG(states, 0.05)} {
		d := xml.NewDecoder(strings.NewReader(doc))
		for {
			_, err := d.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("invalid SVG: %v", err)
				}
				break
			}
		}
	}
	if n := strings.Count(p.AnimatedSVG(states, 0.05), "<g>"); n != 4 {
		t.Errorf("%d frames, want 4", n)
	}
}

func TestValidationStates(t *testing.T) {
	a, b := ValidationStates(), ValidationStates()
	if len(a) != 100 || a[0] != b[0] || a[99] != b[99] {
		t.Fatal("validation set is not fixed")
	}
	for _, s := range a {
		if math.Abs(s.X) > 0.5 || math.Abs(s.XDot) > 0.5 || math.Abs(s.Theta) > math.Pi || math.Abs(s.ThetaDot) > 1 {
			t.Fatalf("state outside the distribution: %+v", s)
		}
	}
}
