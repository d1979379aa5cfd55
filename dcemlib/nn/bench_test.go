package nn

import (
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Forward and backward of the regression energy network, 2→128→128→128→1
// with softplus, on a batch of 1000 pairs (ten DCEM iterations' worth of
// 100 samples).
func BenchmarkEnergyMLP128Batch1000(b *testing.B) {
	rng := tensor.NewRNG(1)
	m := NewMLP([]int{2, 128, 128, 128, 1}, Softplus, InitUniform, rng)
	x := tensor.RandN(rng, 1000, 2)
	for b.Loop() {
		ZeroGrad(m.Params())
		m.Forward(x).Sum().Backward()
	}
}

// Ten unrolled gradient steps through InputGrad on one point, and the
// outer backward pass: one training update of the GD regression model.
func BenchmarkInputGradUnroll10MLP128(b *testing.B) {
	rng := tensor.NewRNG(1)
	m := NewMLP([]int{2, 128, 128, 128, 1}, Softplus, InitUniform, rng)
	x := tensor.New([]float64{1}, 1, 1)
	for b.Loop() {
		ZeroGrad(m.Params())
		y := tensor.Zeros(1, 1)
		for k := 0; k < 10; k++ {
			_, g := m.InputGrad(tensor.Concat(1, x, y), nil)
			y = y.Sub(g.Slice(1, 1, 2).MulScalar(0.1))
		}
		y.Sum().Backward()
	}
}

// One step of a GRU cell, batch 50, 200 hidden units (PlaNet's size).
func BenchmarkGRUCell200Batch50(b *testing.B) {
	rng := tensor.NewRNG(1)
	c := NewGRUCell(230, 200, rng)
	x := tensor.RandN(rng, 50, 230)
	h := tensor.RandN(rng, 50, 200)
	for b.Loop() {
		ZeroGrad(c.Params())
		c.Forward(x, h).Sum().Backward()
	}
}

// Softplus of the 384 000 hidden units of one DCEM training update.
func BenchmarkSoftplus384k(b *testing.B) {
	x := tensor.RandN(tensor.NewRNG(1), 3000, 128).MulScalar(3)
	for b.Loop() {
		x.Softplus()
	}
}
