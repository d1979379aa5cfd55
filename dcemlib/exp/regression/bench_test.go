package regression

import (
	"context"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

var benchDTypes = []struct {
	name string
	dt   tensor.DType
}{{"f64", tensor.Float64}, {"f32", tensor.Float32}}

// One training update on one point, as Run does it (the update's tensors in
// an arena): GD with 10 unrolled steps.
func BenchmarkUpdateGD10(b *testing.B) {
	for _, v := range benchDTypes {
		b.Run(v.name, func(b *testing.B) {
			m := NewModel(128, 3, tensor.NewRNG(1)).Convert(v.dt)
			opt := nn.NewAdam(m.Params(), 1e-3)
			x := tensor.New([]float64{1.5}).To(v.dt)
			a := tensor.NewArena()
			step := func() {
				opt.ZeroGrad()
				m.GD(a.Use(x), 10, 0.1, nil).AddScalar(-1).Square().Sum().Backward()
				a.Reset()
				opt.Step()
			}
			step() // warm up: the first round fills the caches
			for b.Loop() {
				step()
			}
		})
	}
}

// One training update on one point: DCEM with 10 iterations of 100 samples.
func BenchmarkUpdateDCEM10x100(b *testing.B) {
	for _, v := range benchDTypes {
		b.Run(v.name, func(b *testing.B) {
			m := NewModel(128, 3, tensor.NewRNG(1)).Convert(v.dt)
			opt := nn.NewAdam(m.Params(), 1e-3)
			x := tensor.New([]float64{1.5}).To(v.dt)
			o := DCEMOptions{Iters: 10, Samples: 100, Elites: 10, Temp: 1, InitStd: 7}
			ctx := context.Background()
			a := tensor.NewArena()
			step := func() {
				opt.ZeroGrad()
				y, err := m.DCEM(ctx, a.Use(x), o, nil)
				if err != nil {
					b.Fatal(err)
				}
				y.AddScalar(-1).Square().Sum().Backward()
				a.Reset()
				opt.Step()
				o.Seed++
			}
			step() // warm up: the first round fills the caches
			for b.Loop() {
				step()
			}
		})
	}
}
