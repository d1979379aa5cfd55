package cartpole

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// StepGraph is Step on a batch, built from tensor operations so that
// gradients flow to the state and the force: state has shape (N, 4) with
// columns (x, ẋ, θ, θ̇), u has shape (N) or (N, 1); the result is (N, 4).
func (p Params) StepGraph(state, u *tensor.Tensor) *tensor.Tensor {
	sh := state.Shape()
	if len(sh) != 2 || sh[1] != 4 {
		panic(fmt.Sprintf("cartpole.StepGraph: state has shape %v, want (N, 4)", sh))
	}
	n := sh[0]
	if u.Size() != n {
		panic(fmt.Sprintf("cartpole.StepGraph: u has shape %v, want (%d) or (%d, 1)", u.Shape(), n, n))
	}
	u = u.Reshape(n, 1).Clamp(-p.ForceMax, p.ForceMax)
	x, v := state.Slice(1, 0, 1), state.Slice(1, 1, 2)
	th, w := state.Slice(1, 2, 3), state.Slice(1, 3, 4)
	m := p.CartMass + p.PoleMass
	pml := p.PoleMass * p.HalfLength
	sn, cs := th.Sin(), th.Cos()
	temp := u.Add(w.Square().Mul(sn).MulScalar(pml)).MulScalar(1 / m)
	den := cs.Square().MulScalar(-p.PoleMass / m).AddScalar(4.0 / 3.0).MulScalar(p.HalfLength)
	thAcc := sn.MulScalar(p.Gravity).Sub(cs.Mul(temp)).Div(den)
	xAcc := temp.Sub(thAcc.Mul(cs).MulScalar(pml / m))
	return tensor.Concat(1,
		x.Add(v.MulScalar(p.Dt)),
		v.Add(xAcc.MulScalar(p.Dt)),
		th.Add(w.MulScalar(p.Dt)),
		w.Add(thAcc.MulScalar(p.Dt)))
}

// StepCostGraph is StepCost on a batch: state (N, 4) and u (N) give (N).
func StepCostGraph(state, u *tensor.Tensor) *tensor.Tensor {
	n := state.Dim(0)
	x, th := state.Slice(1, 0, 1).Reshape(n), state.Slice(1, 2, 3).Reshape(n)
	return th.Cos().Sub(x.Square().MulScalar(0.1)).Sub(u.Reshape(n).Square().MulScalar(1e-5)).Neg()
}

// RolloutCost returns the cost C of each of N action sequences, as one
// fused graph operation: x0 has shape (N, 4) or (4) (one start shared by
// all sequences), u has shape (N, H); the result has shape (N). Gradients
// flow to u and x0 by back-propagation through time. C sums the step cost
// of the states after each action, s₁ … s_H (with the action that led
// there); the reference implementation scores s₀ … s_{H−1} instead, so its
// costs differ from these by the first state's term and the last one's.
func (p Params) RolloutCost(x0, u *tensor.Tensor) *tensor.Tensor {
	us := u.Shape()
	if len(us) != 2 {
		panic(fmt.Sprintf("cartpole.RolloutCost: u has shape %v, want (N, H)", us))
	}
	n, h := us[0], us[1]
	xs := x0.Shape()
	shared := len(xs) == 1 && xs[0] == 4
	if !shared && !(len(xs) == 2 && xs[0] == n && xs[1] == 4) {
		panic(fmt.Sprintf("cartpole.RolloutCost: x0 has shape %v, want (4) or (%d, 4)", xs, n))
	}
	ud, xd := u.Data(), x0.Data()
	start := func(i int) State {
		o := 4 * i
		if shared {
			o = 0
		}
		return State{xd[o], xd[o+1], xd[o+2], xd[o+3]}
	}
	cost := make([]float64, n)
	for i := 0; i < n; i++ {
		cost[i] = p.Cost(start(i), ud[i*h:(i+1)*h])
	}
	return tensor.NewOp("CartpoleRolloutCost", cost, []int{n}, []*tensor.Tensor{x0, u}, func(g []float64, grads [][]float64) {
		gx, gu := grads[0], grads[1]
		states := make([]State, h+1)
		for i := 0; i < n; i++ {
			seq := ud[i*h : (i+1)*h]
			states[0] = start(i)
			for t, ut := range seq {
				states[t+1] = p.Step(states[t], ut)
			}
			var adj State // ∂ℓ/∂s_{t+1}
			for t := h - 1; t >= 0; t-- {
				s := states[t+1]
				// The step cost −(cos θ − 0.1x² − 1e-5u²) at s_{t+1}.
				adj.Theta += g[i] * math.Sin(s.Theta)
				adj.X += g[i] * 0.2 * s.X
				var du float64
				adj, du = p.stepGrad(states[t], seq[t], adj)
				if gu != nil {
					gu[i*h+t] += du + g[i]*2e-5*seq[t]
				}
			}
			if gx != nil {
				o := 4 * i
				if shared {
					o = 0
				}
				gx[o] += adj.X
				gx[o+1] += adj.XDot
				gx[o+2] += adj.Theta
				gx[o+3] += adj.ThetaDot
			}
		}
	})
}
