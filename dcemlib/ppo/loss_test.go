package ppo

import (
	"context"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func assertSlice(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s[%d] = %.10g, want %.10g (tol %g)", name, i, got[i], want[i], tol)
		}
	}
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if s, _ := r.(string); !strings.Contains(s, want) {
			t.Fatalf("panic %v, want one containing %q", r, want)
		}
	}()
	f()
}

// Five steps holding three episode pieces: steps 0–1 end in a terminal
// state, steps 2–3 at a time limit (bootstrapped from V = 0.4), step 4 at
// the end of the rollout (bootstrapped from V = −0.2); γ = 0.9, λ = 0.8, so
// γλ = 0.72. By hand, from the back:
//
//	δ₄ = 3 + 0.9·(−0.2) − 0.8 = 2.02                Â₄ = 2.02
//	δ₃ = −1 + 0.9·0.4 + 0.3 = −0.34                 Â₃ = −0.34
//	δ₂ = 0.5 + 0.9·(−0.3) − 0.2 = 0.03              Â₂ = 0.03 + 0.72·(−0.34) = −0.2148
//	δ₁ = 2 + 0 − 1 = 1                              Â₁ = 1
//	δ₀ = 1 + 0.9·1 − 0.5 = 1.4                      Â₀ = 1.4 + 0.72·1 = 2.12
//
// and R_t = Â_t + V(s_t).
func TestGAEHandComputed(t *testing.T) {
	rewards := []float64{1, 2, 0.5, -1, 3}
	values := []float64{0.5, 1, 0.2, -0.3, 0.8}
	next := []float64{99, 99, 99, 0.4, -0.2} // read only at Truncated steps
	ends := []End{Continue, Terminal, Continue, Truncated, Truncated}
	adv, ret := GAE(rewards, values, next, ends, 0.9, 0.8)
	assertSlice(t, "adv", adv, []float64{2.12, 1, -0.2148, -0.34, 2.02}, 1e-12)
	assertSlice(t, "ret", ret, []float64{2.62, 2, -0.0148, -0.64, 2.82}, 1e-12)

	// λ = 1, γ = 1: advantages are the Monte-Carlo returns minus the values.
	adv, _ = GAE([]float64{1, 1, 1}, []float64{0, 0, 0}, nil, []End{Continue, Continue, Terminal}, 1, 1)
	assertSlice(t, "adv(λ=1)", adv, []float64{3, 2, 1}, 1e-12)
	// λ = 0: one-step TD errors.
	adv, _ = GAE([]float64{1, 1}, []float64{0.5, 0.25}, []float64{0, 2}, []End{Continue, Truncated}, 0.5, 0)
	assertSlice(t, "adv(λ=0)", adv, []float64{1 + 0.5*0.25 - 0.5, 1 + 0.5*2 - 0.25}, 1e-12)

	mustPanic(t, "last step is Continue", func() { GAE([]float64{1}, []float64{0}, nil, []End{Continue}, 0.9, 0.9) })
	mustPanic(t, "len(nextValues)=0", func() { GAE([]float64{1}, []float64{0}, nil, []End{Truncated}, 0.9, 0.9) })
	mustPanic(t, "equal lengths", func() { GAE([]float64{1, 2}, []float64{0}, nil, []End{Terminal}, 0.9, 0.9) })
}

// Five ratios r = exp(log π − log π_old) with ε = 0.2:
//
//	r = 1.1, Â =  2: inside the range, term 2.2, gradient flows
//	r = 1.5, Â =  1: above, min(1.5, 1.2) = 1.2 clipped, no gradient
//	r = 0.5, Â = −1: below, min(−0.5, −0.8) = −0.8 clipped, no gradient
//	r = 1.5, Â = −2: above, min(−3, −2.4) = −3 unclipped, gradient flows
//	r = 0.5, Â =  1: below, min(0.5, 0.8) = 0.5 unclipped, gradient flows
//
// L^CLIP = (2.2 + 1.2 − 0.8 − 3 + 0.5)/5 = 0.02, so the loss is −0.02, and
// ∂loss/∂log π_i = −r_i·Â_i/5 where the unclipped term is taken.
func TestClippedSurrogateHandComputed(t *testing.T) {
	r := []float64{1.1, 1.5, 0.5, 1.5, 0.5}
	a := []float64{2, 1, -1, -2, 1}
	logp := make([]float64, len(r))
	for i := range r {
		logp[i] = math.Log(r[i])
	}
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		lp := fromValues(dt, logp, 5).RequiresGrad()
		loss := ClippedSurrogate(lp, tensor.ZerosOf(dt, 5), fromValues(dt, a, 5), 0.2)
		tol := 1e-12
		if dt == tensor.Float32 {
			tol = 1e-6
		}
		if !near(loss.Item(), -0.02, tol) {
			t.Errorf("%v: loss = %.10g, want −0.02", dt, loss.Item())
		}
		loss.Backward()
		assertSlice(t, dt.String()+" grad", lp.Grad().Values(), []float64{-1.1 * 2 / 5, 0, 0, 1.5 * 2 / 5, -0.5 / 5}, tol)
	}
	kl, cf := ratioStats(fromValues(tensor.Float64, logp, 5), tensor.Zeros(5), 0.2)
	wantKL := 0.0
	for _, x := range r {
		wantKL += (x - 1 - math.Log(x)) / 5
	}
	if !near(kl, wantKL, 1e-12) || cf != 0.8 {
		t.Errorf("ratioStats = (%g, %g), want (%g, 0.8)", kl, cf, wantKL)
	}
	mustPanic(t, "clip=0", func() { ClippedSurrogate(tensor.Zeros(2), tensor.Zeros(2), tensor.Zeros(2), 0) })
	mustPanic(t, "shape (B)", func() { ClippedSurrogate(tensor.Zeros(2), tensor.Zeros(3), tensor.Zeros(2), 0.2) })
}

// v = (1, 2), V_old = (0.5, 2), R = (2, 1), ε = 0.2: unclipped squared
// errors (1, 1); clipped values (0.7, 2) with errors (1.69, 1); the loss is
// ½·mean(max) = ½·(1.69 + 1)/2 = 0.6725, and without clipping ½·1 = 0.5.
func TestValueLossHandComputed(t *testing.T) {
	v := tensor.New([]float64{1, 2}, 2).RequiresGrad()
	old, ret := tensor.New([]float64{0.5, 2}, 2), tensor.New([]float64{2, 1}, 2)
	l := ValueLoss(v, old, ret, 0.2)
	if !near(l.Item(), 0.6725, 1e-12) {
		t.Errorf("clipped value loss = %.10g, want 0.6725", l.Item())
	}
	l.Backward()
	// Entry 0 takes the clipped term (constant in v); entry 1 the
	// unclipped one: ∂/∂v₁ = ½·2·(v₁ − R₁)/2 = 0.5.
	assertSlice(t, "grad", v.Grad().Values(), []float64{0, 0.5}, 1e-12)
	if got := ValueLoss(v, nil, ret, 0).Item(); !near(got, 0.5, 1e-12) {
		t.Errorf("value loss = %.10g, want 0.5", got)
	}
}

// Log-densities and entropies against gonum's univariate normal, summed
// over independent action dimensions, for a state-independent (A) and a
// per-row (B, A) log standard deviation, in float64 and float32.
func TestGaussianLogProbAndEntropy(t *testing.T) {
	act := [][]float64{{0.3, -1.2, 2}, {-0.7, 0.1, 0.5}}
	mu := [][]float64{{0, -1, 1.5}, {0.2, 0.4, -0.5}}
	lsRow := []float64{-0.5, 0, 0.7}
	lsFull := [][]float64{{-0.5, 0, 0.7}, {0.3, -1.1, 0.2}}
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		tol := 1e-12
		if dt == tensor.Float32 {
			tol = 1e-5
		}
		a, m := tensor.FromRows(act).To(dt), tensor.FromRows(mu).To(dt)
		for _, full := range []bool{false, true} {
			ls := tensor.New(append([]float64(nil), lsRow...), 3).To(dt)
			if full {
				ls = tensor.FromRows(lsFull).To(dt)
			}
			lp := GaussianLogProb(a, m, ls).Values()
			ent := GaussianEntropy(ls).Values()
			for i := range act {
				want, wantH := 0.0, 0.0
				for j := range act[i] {
					s := lsRow[j]
					if full {
						s = lsFull[i][j]
					}
					n := distuv.Normal{Mu: mu[i][j], Sigma: math.Exp(s)}
					want += n.LogProb(act[i][j])
					wantH += n.Entropy()
				}
				if !near(lp[i], want, tol) {
					t.Errorf("%v full=%v: log π[%d] = %.10g, want %.10g", dt, full, i, lp[i], want)
				}
				k := 0
				if full {
					k = i
				}
				if !near(ent[k], wantH, tol) {
					t.Errorf("%v full=%v: entropy[%d] = %.10g, want %.10g", dt, full, k, ent[k], wantH)
				}
			}
		}
	}
	mustPanic(t, "want (3)", func() { GaussianLogProb(tensor.Zeros(2, 3), tensor.Zeros(2, 3), tensor.Zeros(2)) })
}

// The PPO losses' gradients with respect to a Gaussian MLP policy's
// parameters (mean network and learned log std) and an MLP value
// function's, against central differences. The old log-probabilities and
// values are offset from the current ones so that some ratios and value
// changes are inside the clip range and some outside, none near its edges.
func TestLossGradients(t *testing.T) {
	rng := tensor.NewRNG(3)
	const b, o, na = 6, 4, 2
	pol := NewGaussianMLP(o, na, []int{5}, -0.3, true, rng)
	// Larger output weights than the initialization's, so that the mean
	// depends visibly on every parameter.
	rng.FillNormal(pol.Mean.Layers[1].W.Data())
	obs := tensor.RandN(rng, b, o)
	act := tensor.RandN(rng, b, na)
	adv := tensor.New([]float64{1, -2, 0.5, 1.5, -1, 0.7}, b)
	mean, ls, _ := pol.Distribution(context.Background(), obs)
	lp := GaussianLogProb(act, mean, ls).Values()
	offsets := []float64{0.05, -0.1, 0.5, -0.6, 0.4, -0.5} // ratios e^{δ}: inside, inside, above, below, above, below
	old := make([]float64, b)
	for i := range old {
		old[i] = lp[i] - offsets[i]
	}
	oldT := tensor.New(old, b)
	loss := func() *tensor.Tensor {
		m, s, _ := pol.Distribution(context.Background(), obs)
		l := ClippedSurrogate(GaussianLogProb(act, m, s), oldT, adv, 0.2)
		return l.Sub(GaussianEntropy(s).Mean().MulScalar(0.01))
	}
	if err := tensor.GradCheck(loss, pol.Params(), 1e-6, 1e-6); err != nil {
		t.Errorf("policy loss: %v", err)
	}
	// Some gradient must flow: the clipped terms alone would give zero.
	nonzero := false
	for _, p := range pol.Params() {
		p.ZeroGrad()
	}
	loss().Backward()
	for _, p := range pol.Mean.Params() {
		for _, g := range p.Grad().Values() {
			nonzero = nonzero || g != 0
		}
	}
	if !nonzero {
		t.Error("the policy loss has a zero gradient")
	}

	val := NewMLPValue(o, []int{5}, rng)
	v := val.Value(obs).Values()
	oldV := make([]float64, b)
	for i := range oldV {
		oldV[i] = v[i] - offsets[i]
	}
	ret := tensor.RandN(rng, b)
	vloss := func() *tensor.Tensor { return ValueLoss(val.Value(obs), tensor.New(oldV, b), ret, 0.2) }
	if err := tensor.GradCheck(vloss, val.Params(), 1e-6, 1e-6); err != nil {
		t.Errorf("value loss: %v", err)
	}
}
