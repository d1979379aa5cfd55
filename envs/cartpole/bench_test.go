package cartpole

import (
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// BenchmarkRolloutCost100x20: cost and gradient of 100 sequences of 20
// steps (one latent DCEM iteration of the paper's controller).
func BenchmarkRolloutCost100x20(b *testing.B) {
	p := DefaultParams()
	u := tensor.RandN(tensor.NewRNG(1), 100, 20).MulScalar(30).RequiresGrad()
	x0 := tensor.New(Hanging.Vec())
	for i := 0; i < b.N; i++ {
		p.RolloutCost(x0, u).Sum().Backward()
	}
}

// BenchmarkStepGraph100x20 is the same rollout built from tensor
// operations, for comparison with the fused operation.
func BenchmarkStepGraph100x20(b *testing.B) {
	p := DefaultParams()
	u := tensor.RandN(tensor.NewRNG(1), 100, 20).MulScalar(30).RequiresGrad()
	x0 := StatesTensor(make([]State, 100))
	for i := 0; i < b.N; i++ {
		s, total := x0, tensor.Zeros(100)
		for k := 0; k < 20; k++ {
			uk := u.Slice(1, k, k+1).Reshape(100)
			s = p.StepGraph(s, uk)
			total = total.Add(StepCostGraph(s, uk))
		}
		total.Sum().Backward()
	}
}
