package ppo

import (
	"fmt"
	"math"
	"slices"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// log2Pi is log(2π).
var log2Pi = math.Log(2 * math.Pi)

// End says how a step of a trajectory ends its segment, for GAE.
type End uint8

const (
	// Continue: the next step of the sequence follows from this one.
	Continue End = iota
	// Terminal: the step reached a terminal state, whose value is zero.
	Terminal
	// Truncated: the trajectory stops after this step although the state
	// is not terminal — a time limit, or the end of a rollout — so the
	// return is bootstrapped from the value of the observation the step
	// led to.
	Truncated
)

// String returns the name of the end.
func (e End) String() string {
	switch e {
	case Continue:
		return "continue"
	case Terminal:
		return "terminal"
	case Truncated:
		return "truncated"
	}
	return fmt.Sprintf("End(%d)", uint8(e))
}

// GAE returns the generalized advantage estimates Â_t and the value targets
// R_t = Â_t + V(s_t) of a sequence of steps (PPO paper, eqs. 11–12;
// Schulman et al. 2016):
//
//	δ_t = r_t + γ·V(s_{t+1}) − V(s_t),  Â_t = δ_t + γλ·Â_{t+1},
//
// where V(s_{t+1}) is values[t+1] after a Continue step, nextValues[t] after
// a Truncated one and 0 after a Terminal one, and the recursion restarts
// after every Terminal or Truncated step, so one sequence may hold several
// episodes (or several environments' rollouts) one after another.
// nextValues is read only at Truncated steps (it may be nil when there are
// none). It panics if the lengths differ or the last step is Continue (its
// successor's value would be missing).
func GAE(rewards, values, nextValues []float64, ends []End, gamma, lambda float64) (adv, ret []float64) {
	n := len(rewards)
	if len(values) != n || len(ends) != n {
		panic(fmt.Sprintf("ppo.GAE: len(rewards)=%d, len(values)=%d, len(ends)=%d, want equal lengths", n, len(values), len(ends)))
	}
	if n > 0 && ends[n-1] == Continue {
		panic("ppo.GAE: the last step is Continue; want Terminal or Truncated (with its next value)")
	}
	adv = make([]float64, n)
	ret = make([]float64, n)
	next := 0.0 // Â_{t+1}
	for t := n - 1; t >= 0; t-- {
		var vNext float64
		switch ends[t] {
		case Continue:
			vNext = values[t+1]
		case Terminal:
			vNext, next = 0, 0
		case Truncated:
			if len(nextValues) != n {
				panic(fmt.Sprintf("ppo.GAE: step %d is Truncated but len(nextValues)=%d, want %d", t, len(nextValues), n))
			}
			vNext, next = nextValues[t], 0
		default:
			panic(fmt.Sprintf("ppo.GAE: ends[%d]=%v, want Continue, Terminal or Truncated", t, ends[t]))
		}
		delta := rewards[t] + gamma*vNext - values[t]
		next = delta + gamma*lambda*next
		adv[t] = next
		ret[t] = next + values[t]
	}
	return adv, ret
}

// GaussianLogProb returns log π(a | s) of actions under diagonal Gaussians
// with the given means and log standard deviations:
//
//	log π = Σ_j −½((a_j − μ_j)/σ_j)² − log σ_j − ½ log 2π,
//
// for actions and mean of shape (B, A) and logStd of shape (B, A) or (A),
// all of one dtype. The result has shape (B) and is recorded in the graph of
// mean and logStd.
func GaussianLogProb(actions, mean, logStd *tensor.Tensor) *tensor.Tensor {
	if actions.Dims() != 2 || !slices.Equal(actions.Shape(), mean.Shape()) {
		panic(fmt.Sprintf("ppo.GaussianLogProb: actions %v and mean %v, want equal shapes (B, A)", actions.Shape(), mean.Shape()))
	}
	a := actions.Dim(1)
	if logStd.Dim(-1) != a || logStd.Dims() > 2 || (logStd.Dims() == 2 && logStd.Dim(0) != actions.Dim(0)) {
		panic(fmt.Sprintf("ppo.GaussianLogProb: logStd %v, want (%d) or %v", logStd.Shape(), a, actions.Shape()))
	}
	z := actions.Sub(mean).Mul(logStd.Neg().Exp())
	return z.Square().MulScalar(-0.5).Sub(logStd).SumAxis(1, false).AddScalar(-0.5 * float64(a) * log2Pi)
}

// GaussianEntropy returns the entropy of diagonal Gaussians with log
// standard deviations logStd, Σ_j log σ_j + ½(1 + log 2π), summed over the
// last axis: a scalar for logStd of shape (A), shape (B) for (B, A). It is
// the entropy bonus S of the PPO paper's eq. 9.
func GaussianEntropy(logStd *tensor.Tensor) *tensor.Tensor {
	a := logStd.Dim(-1)
	return logStd.SumAxis(-1, false).AddScalar(0.5 * float64(a) * (1 + log2Pi))
}

// ClippedSurrogate returns the PPO loss −L^CLIP, the negative of the
// clipped surrogate objective of the PPO paper's eq. 7,
//
//	L^CLIP = mean_t min(r_t·Â_t, clip(r_t, 1−ε, 1+ε)·Â_t),  r_t = exp(log π_θ − log π_old),
//
// for logProb (recorded in the graph), oldLogProb and adv of shape (B) and
// one dtype. It is a scalar to minimize; its gradient reaches logProb only
// where the unclipped term is the smaller one. It panics if clip is not
// positive.
func ClippedSurrogate(logProb, oldLogProb, adv *tensor.Tensor, clip float64) *tensor.Tensor {
	if !(clip > 0) {
		panic(fmt.Sprintf("ppo.ClippedSurrogate: clip=%g, want > 0", clip))
	}
	checkBatch("ClippedSurrogate", logProb, oldLogProb, adv)
	ratio := logProb.Sub(oldLogProb).Exp()
	dt := ratio.DType()
	clipped := ratio.Maximum(tensor.FullOf(dt, 1-clip)).Minimum(tensor.FullOf(dt, 1+clip))
	return ratio.Mul(adv).Minimum(clipped.Mul(adv)).Mean().Neg()
}

// ValueLoss returns the value-function loss L^VF of the PPO paper's eq. 9,
// ½·mean_t (V(s_t) − R_t)², for values (recorded in the graph) and returns
// of shape (B). With clip > 0 it is the clipped form of common
// implementations, ½·mean_t max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²),
// which keeps the value from moving more than ε from oldValues per update;
// oldValues is read only then (it may be nil when clip ≤ 0).
func ValueLoss(values, oldValues, returns *tensor.Tensor, clip float64) *tensor.Tensor {
	if !(clip > 0) {
		checkBatch("ValueLoss", values, returns)
		return values.Sub(returns).Square().Mean().MulScalar(0.5)
	}
	checkBatch("ValueLoss", values, oldValues, returns)
	dt := values.DType()
	d := values.Sub(oldValues).Maximum(tensor.FullOf(dt, -clip)).Minimum(tensor.FullOf(dt, clip))
	unclipped := values.Sub(returns).Square()
	clipped := oldValues.Add(d).Sub(returns).Square()
	return unclipped.Maximum(clipped).Mean().MulScalar(0.5)
}

// checkBatch panics unless every tensor has the shape (B) of the first.
func checkBatch(fn string, ts ...*tensor.Tensor) {
	for i, t := range ts {
		if t.Dims() != 1 || t.Dim(0) != ts[0].Dim(0) {
			shapes := make([][]int, len(ts))
			for j, u := range ts {
				shapes[j] = u.Shape()
			}
			panic(fmt.Sprintf("ppo.%s: argument %d has shape %v; want all of shape (B), got %v", fn, i, t.Shape(), shapes))
		}
	}
}

// ratioStats returns the approximate KL divergence mean((r − 1) − log r)
// between the old and the new policy (Schulman's low-variance estimator) and
// the fraction of ratios r = exp(logProb − oldLogProb) outside [1−ε, 1+ε].
func ratioStats(logProb, oldLogProb *tensor.Tensor, clip float64) (kl, clipFrac float64) {
	n := logProb.Dim(0)
	if n == 0 {
		return 0, 0
	}
	at := func(t *tensor.Tensor, i int) float64 {
		if t.DType() == tensor.Float32 {
			return float64(t.Data32()[i])
		}
		return t.Data()[i]
	}
	for i := range n {
		lr := at(logProb, i) - at(oldLogProb, i)
		r := math.Exp(lr)
		kl += (r - 1) - lr
		if math.Abs(r-1) > clip {
			clipFrac++
		}
	}
	return kl / float64(n), clipFrac / float64(n)
}
