package regression

import (
	"context"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// One training update on one point: GD with 10 unrolled steps.
func BenchmarkUpdateGD10(b *testing.B) {
	m := NewModel(128, 3, tensor.NewRNG(1))
	opt := nn.NewAdam(m.Params(), 1e-3)
	x := tensor.New([]float64{1.5})
	for b.Loop() {
		opt.ZeroGrad()
		m.GD(x, 10, 0.1, nil).AddScalar(-1).Square().Sum().Backward()
		opt.Step()
	}
}

// One training update on one point: DCEM with 10 iterations of 100 samples.
func BenchmarkUpdateDCEM10x100(b *testing.B) {
	m := NewModel(128, 3, tensor.NewRNG(1))
	opt := nn.NewAdam(m.Params(), 1e-3)
	x := tensor.New([]float64{1.5})
	o := DCEMOptions{Iters: 10, Samples: 100, Elites: 10, Temp: 1, InitStd: 7}
	ctx := context.Background()
	for b.Loop() {
		opt.ZeroGrad()
		y, err := m.DCEM(ctx, x, o, nil)
		if err != nil {
			b.Fatal(err)
		}
		y.AddScalar(-1).Square().Sum().Backward()
		opt.Step()
		o.Seed++
	}
}
