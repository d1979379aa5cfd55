package latent

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// stepReward is an environment of three observations and two actions in
// [−1, 1] whose k-th step (from 1) gives reward k; it ends after Len steps.
type stepReward struct {
	Len, k int
}

func (e *stepReward) Reset(seed uint64) ([]float64, error) {
	e.k = 0
	return []float64{float64(seed % 7), 0, 1}, nil
}

func (e *stepReward) Step(a []float64) ([]float64, float64, bool, error) {
	e.k++
	return []float64{a[0], a[1], float64(e.k)}, float64(e.k), e.k >= e.Len, nil
}

func (e *stepReward) ObservationSize() int             { return 3 }
func (e *stepReward) ActionSize() int                  { return 2 }
func (e *stepReward) ActionBounds() (lo, hi []float64) { return []float64{-1, -1}, []float64{1, 1} }
func constantPlan(v []float64, horizon int) PlanFunc {
	return func(context.Context, []float64, []float64, uint64) ([]float64, error) {
		out := make([]float64, 0, horizon*len(v))
		for range horizon {
			out = append(out, v...)
		}
		return out, nil
	}
}

var _ envs.Env = (*stepReward)(nil)

// TestTracePlans checks a trace's realized returns (sums of the next
// Horizon rewards, known here), the saturation share, that predictions are
// deterministic given the seed and differ between plans, the cut at the
// episode's end and the errors naming the option.
func TestTracePlans(t *testing.T) {
	m := tinyModel(t, tensor.Float32)
	env, err := NewBeliefEnv(&stepReward{Len: 100}, m)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	trace := func(plan PlanFunc, o TraceOptions) []PlanOutcome {
		t.Helper()
		im, err := m.NewImagination(1, 9)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := TracePlans(ctx, env, plan, im, o)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	o := TraceOptions{Steps: 6, Horizon: 3, Rollouts: 4, Seed: 2}
	tr := trace(constantPlan([]float64{0.97, 0.2}, 3), o)
	if len(tr) != 4 {
		t.Fatalf("%d outcomes from 6 steps of horizon 3, want 4", len(tr))
	}
	for i, oc := range tr {
		if want := float64(3*i + 6); oc.Realized != want || oc.Step != i {
			t.Errorf("outcome %d: step %d, realized %g; want step %d, %g (rewards %d+%d+%d)", i, oc.Step, oc.Realized, i, want, i+1, i+2, i+3)
		}
		if oc.Saturated != 0.5 {
			t.Errorf("outcome %d: saturated %g, want 0.5 (one of each pair of actions is within 0.1 of a bound)", i, oc.Saturated)
		}
		if math.IsNaN(oc.Predicted) || math.IsInf(oc.Predicted, 0) {
			t.Errorf("outcome %d: predicted %g", i, oc.Predicted)
		}
	}
	if again := trace(constantPlan([]float64{0.97, 0.2}, 3), o); !reflect.DeepEqual(again, tr) {
		t.Error("the same trace twice gave different outcomes")
	}
	if other := trace(constantPlan([]float64{-0.5, 0.3}, 3), o); other[0].Predicted == tr[0].Predicted || other[0].Saturated != 0 {
		t.Errorf("another plan: predicted %g (the first's %g), saturated %g; want a different prediction and 0", other[0].Predicted, tr[0].Predicted, other[0].Saturated)
	}
	p, r, s := SummarizeTrace(tr)
	if r != 10.5 || s != 0.5 || math.Abs(p-(tr[0].Predicted+tr[1].Predicted+tr[2].Predicted+tr[3].Predicted)/4) > 1e-12 {
		t.Errorf("summary %g, %g, %g; want the means (realized 10.5, saturated 0.5)", p, r, s)
	}

	// The latent controller and full CEM as PlanFuncs.
	c, err := NewController(m, 2, 3, []int{6}, cem.Config{Samples: 8, Elites: 3, Temp: 1, Iters: 3}, tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	im, _ := m.NewImagination(1, 3)
	for name, plan := range map[string]PlanFunc{
		"latent DCEM": c.PlanSequence,
		"full CEM":    CEMPlan(control.CEMPlanner{Horizon: 3, Candidates: 10, Elites: 3, Iterations: 2, InitStd: 1, Lower: -1, Upper: 1}, im),
	} {
		if tr := trace(plan, o); len(tr) != 4 || tr[3].Realized != 15 {
			t.Errorf("%s: %d outcomes, the last realized %g; want 4 and 15", name, len(tr), tr[len(tr)-1].Realized)
		}
	}
	h, s0 := make([]float64, m.BeliefSize), make([]float64, m.StateSize)
	seq, err := c.PlanSequence(ctx, h, s0, 5)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := c.Act(ctx, h, s0, 5)
	if len(seq) != 3*2 || !reflect.DeepEqual(seq[:2], first) {
		t.Errorf("PlanSequence %v, Act %v: want 6 numbers starting with Act's", seq, first)
	}

	// An episode ending after 5 steps leaves 3 full horizons.
	short, _ := NewBeliefEnv(&stepReward{Len: 5}, m)
	im2, _ := m.NewImagination(1, 9)
	tr, err = TracePlans(ctx, short, constantPlan([]float64{0, 0}, 3), im2, TraceOptions{Steps: 50, Horizon: 3, Rollouts: 1})
	if err != nil || len(tr) != 3 {
		t.Errorf("episode of 5 steps: %d outcomes, error %v; want 3", len(tr), err)
	}
	for _, bad := range []struct {
		field string
		o     TraceOptions
	}{
		{"Horizon", TraceOptions{Steps: 5, Horizon: 0, Rollouts: 1}},
		{"Steps", TraceOptions{Steps: 2, Horizon: 3, Rollouts: 1}},
		{"Rollouts", TraceOptions{Steps: 5, Horizon: 3, Rollouts: 0}},
	} {
		if _, err := TracePlans(ctx, env, constantPlan([]float64{0, 0}, 3), im2, bad.o); err == nil || !strings.Contains(err.Error(), bad.field) {
			t.Errorf("bad %s: error %v, want one naming it", bad.field, err)
		}
	}
	if _, err := TracePlans(ctx, env, constantPlan([]float64{0, 0}, 2), im2, o); err == nil || !strings.Contains(err.Error(), "Horizon·ActionSize") {
		t.Errorf("a plan of the wrong length: error %v, want one naming Horizon·ActionSize", err)
	}
}

// TestTracePredictedIsImagineReturns checks each outcome's Predicted
// against the model's own predicted return of the plan from the belief the
// decision was made in: rssm.Model.ImagineReturns with the prior's means,
// which an imagination with SetMeanStates follows (every rollout is then
// the same). The plans change from step to step, so that a prediction of
// another step's plan or belief would differ.
func TestTracePredictedIsImagineReturns(t *testing.T) {
	m := tinyModel(t, tensor.Float32)
	env, err := NewBeliefEnv(&stepReward{Len: 100}, m)
	if err != nil {
		t.Fatal(err)
	}
	const H, A = 3, 2
	var beliefs [][]float64
	var plans [][]float64
	plan := func(_ context.Context, h, s []float64, seed uint64) ([]float64, error) {
		beliefs = append(beliefs, append(append([]float64(nil), h...), s...))
		p := make([]float64, H*A)
		for i := range p {
			p[i] = math.Sin(float64(seed)*1.3 + float64(i))
		}
		plans = append(plans, p)
		return p, nil
	}
	im, err := m.NewImagination(1, 9)
	if err != nil {
		t.Fatal(err)
	}
	im.SetMeanStates(true)
	tr, err := TracePlans(context.Background(), env, plan, im, TraceOptions{Steps: 6, Horizon: H, Rollouts: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) != 4 || len(plans) != 6 {
		t.Fatalf("%d outcomes of %d decisions, want 4 of 6", len(tr), len(plans))
	}
	D, S := m.BeliefSize, m.StateSize
	distinct := map[float64]bool{}
	for i, oc := range tr {
		b := beliefs[i]
		want := m.ImagineReturns(tensor.New(b[:D], 1, D).To(tensor.Float32), tensor.New(b[D:], 1, S).To(tensor.Float32),
			tensor.New(plans[i], 1, H*A).To(tensor.Float32), H, nil).Values()[0]
		if math.Abs(oc.Predicted-want) > 1e-4*(1+math.Abs(want)) {
			t.Errorf("decision %d: predicted %g, the model's ImagineReturns of its plan and belief %g", i, oc.Predicted, want)
		}
		distinct[want] = true
	}
	if len(distinct) < 2 {
		t.Errorf("the model predicts the same return %v for every decision: the comparison proves little", distinct)
	}
}
