// Package cartpole is the continuous cartpole of Barto, Sutton and Anderson
// (1983) as the DCEM paper uses it (Amos & Yarats 2020, §5.2.1 and app. D):
// a pole on a cart pushed by a bounded horizontal force, integrated by
// explicit Euler, differentiable with respect to states and actions.
//
// The state is (x, ẋ, θ, θ̇) with θ = 0 upright and θ = π hanging down;
// observations are (x, ẋ, cos θ, sin θ, θ̇). The cost of an action sequence
// u₀…u_{H−1} from a state s₀ is
//
//	C = −Σ_{t=1..H} (cos θ_t − 0.1·x_t² − 1e-5·u_{t−1}²),
//
// where s_t is the state after applying u_{t−1}: the cost scores the states
// s₁…s_H that the actions lead to. The reference implementation of the
// paper scores s₀…s_{H−1} instead (its rew_nominal), so its costs differ
// from these by the terms of s₀ and s_H.
//
// Three views of the same numbers: Params.Step and Params.Cost in plain Go
// (fast rollouts, drawing), Params.StepGraph from tensor operations (to
// compose with other graph code), and Params.RolloutCost, one fused graph
// operation over a batch of sequences whose gradient is back-propagation
// through time written out by hand. Tests check that all agree.
package cartpole

import (
	"fmt"
	"math"
)

// Params are the physical constants of the cartpole.
type Params struct {
	Gravity    float64 // m/s²
	CartMass   float64 // kg
	PoleMass   float64 // kg
	HalfLength float64 // m, half the pole's length
	ForceMax   float64 // N, actions are clamped to [−ForceMax, ForceMax]
	Dt         float64 // s, Euler step
}

// DefaultParams returns the paper's constants: gravity 9.8, cart mass 1.0,
// pole mass 0.1, pole half-length 0.5, force limit 100, dt 0.05.
func DefaultParams() Params {
	return Params{Gravity: 9.8, CartMass: 1.0, PoleMass: 0.1, HalfLength: 0.5, ForceMax: 100, Dt: 0.05}
}

// Validate returns an error naming the first constant out of range.
func (p Params) Validate() error {
	check := []struct {
		name string
		v    float64
	}{{"Gravity", p.Gravity}, {"CartMass", p.CartMass}, {"PoleMass", p.PoleMass}, {"HalfLength", p.HalfLength}, {"ForceMax", p.ForceMax}, {"Dt", p.Dt}}
	for _, c := range check {
		if !(c.v > 0) || math.IsInf(c.v, 1) {
			return fmt.Errorf("cartpole: %s = %g, want a finite value > 0", c.name, c.v)
		}
	}
	return nil
}

// State is the cartpole's state; Theta = 0 is upright.
type State struct {
	X, XDot, Theta, ThetaDot float64
}

// Hanging is the state at rest with the pole straight down: the start of
// the swing-up task.
var Hanging = State{Theta: math.Pi}

// Obs returns the observation (x, ẋ, cos θ, sin θ, θ̇).
func (s State) Obs() []float64 {
	return []float64{s.X, s.XDot, math.Cos(s.Theta), math.Sin(s.Theta), s.ThetaDot}
}

// Vec returns (x, ẋ, θ, θ̇).
func (s State) Vec() []float64 { return []float64{s.X, s.XDot, s.Theta, s.ThetaDot} }

// clampForce limits u to [−ForceMax, ForceMax].
func (p Params) clampForce(u float64) float64 {
	return math.Max(-p.ForceMax, math.Min(p.ForceMax, u))
}

// Step returns the state after applying force u (clamped) for one Euler
// step of length Dt:
//
//	temp = (u + m_p l θ̇² sin θ) / (m_c + m_p)
//	θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos²θ / (m_c + m_p)))
//	ẍ = temp − m_p l θ̈ cos θ / (m_c + m_p)
//
// and x += Dt ẋ, ẋ += Dt ẍ, θ += Dt θ̇, θ̇ += Dt θ̈ (all from the old state).
func (p Params) Step(s State, u float64) State {
	u = p.clampForce(u)
	m := p.CartMass + p.PoleMass
	pml := p.PoleMass * p.HalfLength
	sn, cs := math.Sincos(s.Theta)
	temp := (u + pml*s.ThetaDot*s.ThetaDot*sn) / m
	den := p.HalfLength * (4.0/3.0 - p.PoleMass*cs*cs/m)
	thAcc := (p.Gravity*sn - cs*temp) / den
	xAcc := temp - pml*thAcc*cs/m
	return State{
		X:        s.X + p.Dt*s.XDot,
		XDot:     s.XDot + p.Dt*xAcc,
		Theta:    s.Theta + p.Dt*s.ThetaDot,
		ThetaDot: s.ThetaDot + p.Dt*thAcc,
	}
}

// stepGrad back-propagates adjoints g = ∂ℓ/∂s' of the next state through
// Step, returning ∂ℓ/∂s and ∂ℓ/∂u (zero where u was clamped).
func (p Params) stepGrad(s State, u float64, g State) (State, float64) {
	clamped := u < -p.ForceMax || u > p.ForceMax
	u = p.clampForce(u)
	m := p.CartMass + p.PoleMass
	pml := p.PoleMass * p.HalfLength
	k := pml / m
	sn, cs := math.Sincos(s.Theta)
	w := s.ThetaDot
	temp := (u + pml*w*w*sn) / m
	den := p.HalfLength * (4.0/3.0 - p.PoleMass*cs*cs/m)
	num := p.Gravity*sn - cs*temp
	thAcc := num / den

	var d State
	// x' = x + dt ẋ; ẋ' = ẋ + dt ẍ; θ' = θ + dt θ̇; θ̇' = θ̇ + dt θ̈.
	d.X = g.X
	d.XDot = g.XDot + p.Dt*g.X
	d.Theta = g.Theta
	d.ThetaDot = g.ThetaDot + p.Dt*g.Theta
	gXAcc := p.Dt * g.XDot
	gThAcc := p.Dt * g.ThetaDot
	// ẍ = temp − k θ̈ cos θ.
	gTemp := gXAcc
	gThAcc += -k * cs * gXAcc
	gCos := -k * thAcc * gXAcc
	// θ̈ = num / den.
	gNum := gThAcc / den
	gDen := -gThAcc * num / (den * den)
	// num = g sin θ − cos θ · temp.
	gSin := p.Gravity * gNum
	gCos += -temp * gNum
	gTemp += -cs * gNum
	// den = l (4/3 − m_p cos²θ / m).
	gCos += -p.HalfLength * p.PoleMass * 2 * cs / m * gDen
	// temp = (u + m_p l θ̇² sin θ) / m.
	gU := gTemp / m
	d.ThetaDot += 2 * pml * w * sn / m * gTemp
	gSin += pml * w * w / m * gTemp
	d.Theta += cs*gSin - sn*gCos
	if clamped {
		gU = 0
	}
	return d, gU
}

// StepCost is the cost of arriving in state s by force u:
// −(cos θ − 0.1 x² − 1e-5 u²).
func StepCost(s State, u float64) float64 {
	return -(math.Cos(s.Theta) - 0.1*s.X*s.X - 1e-5*u*u)
}

// Rollout returns the states s₁…s_H reached from s0 by the actions u.
func (p Params) Rollout(s0 State, u []float64) []State {
	out := make([]State, len(u))
	s := s0
	for t, ut := range u {
		s = p.Step(s, ut)
		out[t] = s
	}
	return out
}

// Cost returns the cost C of the action sequence u from s0 (see the package
// comment). Actions enter the cost unclamped, as the decoded sequences of
// the paper are already in range.
func (p Params) Cost(s0 State, u []float64) float64 {
	c := 0.0
	s := s0
	for _, ut := range u {
		s = p.Step(s, ut)
		c += StepCost(s, ut)
	}
	return c
}
