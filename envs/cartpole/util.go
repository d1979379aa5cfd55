package cartpole

import (
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// SampleStates draws n initial states from the paper's distribution:
// x, ẋ ~ U(−0.5, 0.5), θ ~ U(−π, π), θ̇ ~ U(−1, 1).
func SampleStates(rng *tensor.RNG, n int) []State {
	out := make([]State, n)
	for i := range out {
		out[i] = State{
			X:        rng.Uniform() - 0.5,
			XDot:     rng.Uniform() - 0.5,
			Theta:    (2*rng.Uniform() - 1) * math.Pi,
			ThetaDot: 2*rng.Uniform() - 1,
		}
	}
	return out
}

// ValidationSeed seeds ValidationStates.
const ValidationSeed = 20200101

// ValidationStates returns the fixed validation set of 100 initial states
// (the same on every machine).
func ValidationStates() []State { return SampleStates(tensor.NewRNG(ValidationSeed), 100) }

// TestSeed seeds TestStates.
const TestSeed = 20200202

// TestStates returns a fixed test set of 100 initial states, disjoint in
// its draws from the validation set, for measuring a controller chosen on
// the validation set without selection bias.
func TestStates() []State { return SampleStates(tensor.NewRNG(TestSeed), 100) }

// StatesTensor packs states into an (N, 4) tensor of (x, ẋ, θ, θ̇) rows.
func StatesTensor(states []State) *tensor.Tensor {
	d := make([]float64, 0, 4*len(states))
	for _, s := range states {
		d = append(d, s.X, s.XDot, s.Theta, s.ThetaDot)
	}
	return tensor.New(d, len(states), 4)
}
