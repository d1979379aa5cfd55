package nn

import (
	"fmt"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// The benchmarks below run in both dtypes (sub-benchmarks f64 and f32) and
// are the Go side of `make bench-compare`, which times the same shapes in
// PyTorch in the same run. GEMM-bound ones report GFLOP/s: the
// floating-point operations of their matrix products per second.

// variants are the sub-benchmarks: each dtype with the step's tensors in a
// tensor.Arena (how a training loop is meant to be written), and on the heap.
var variants = []struct {
	name  string
	dt    tensor.DType
	arena bool
}{{"f64", tensor.Float64, true}, {"f32", tensor.Float32, true}, {"f64-heap", tensor.Float64, false}, {"f32-heap", tensor.Float32, false}}

// roundFor returns the function that puts a step's input into the arena
// (or leaves it on the heap) and the one that ends the step.
func roundFor(arena bool) (use func(*tensor.Tensor) *tensor.Tensor, reset func()) {
	if !arena {
		return func(t *tensor.Tensor) *tensor.Tensor { return t }, func() {}
	}
	a := tensor.NewArena()
	return a.Use, a.Reset
}

// reportGFLOPs reports flops per iteration as GFLOP/s.
func reportGFLOPs(b *testing.B, flops float64) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkMLP64x256x256x64Batch1000Adam is one training step of a ReLU
// MLP 64→256→256→64 on a batch of 1000: forward, mean squared error,
// backward and an Adam step.
func BenchmarkMLP64x256x256x64Batch1000Adam(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			dt := v.dt
			rng := tensor.NewRNG(1)
			m := NewMLP([]int{64, 256, 256, 64}, ReLU, InitUniform, rng).Convert(dt)
			opt := NewAdam(m.Params(), 1e-3)
			x := tensor.RandNOf(dt, rng, 1000, 64)
			y := tensor.RandNOf(dt, rng, 1000, 64)
			use, reset := roundFor(v.arena)
			step := func() {
				opt.ZeroGrad()
				m.Forward(use(x)).Sub(y).Square().Mean().Backward()
				opt.Step()
				reset()
			}
			step() // warm up: the first round fills the caches
			for b.Loop() {
				step()
			}
			// Forward 2·B·Σ in·out, backward twice that less the input
			// gradient of the first layer.
			fwd := 2.0 * 1000 * (64*256 + 256*256 + 256*64)
			reportGFLOPs(b, 3*fwd-2*1000*64*256)
		})
	}
}

// BenchmarkGRU230x200Batch50Unroll50 runs a GRU cell 230→200 over 50 steps
// on a batch of 50 (an input per step), forward and backward of the sum of
// the final state.
func BenchmarkGRU230x200Batch50Unroll50(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			dt := v.dt
			rng := tensor.NewRNG(1)
			c := NewGRUCell(230, 200, rng).Convert(dt)
			xs := make([]*tensor.Tensor, 50)
			for i := range xs {
				xs[i] = tensor.RandNOf(dt, rng, 50, 230)
			}
			h0 := tensor.ZerosOf(dt, 50, 200)
			use, reset := roundFor(v.arena)
			step := func() {
				ZeroGrad(c.Params())
				h := use(h0)
				for _, x := range xs {
					h = c.Forward(x, h)
				}
				h.Sum().Backward()
				reset()
			}
			step() // warm up: the first round fills the caches
			for b.Loop() {
				step()
			}
			perStep := 2.0 * 50 * (230 + 200) * 600 // forward products of one step
			// Backward: the weight gradients of both products and the state
			// gradient (not the input's).
			reportGFLOPs(b, 50*(perStep+perStep+2*50*200*600))
		})
	}
}

// BenchmarkEnergyMLP128Batch1000 is the regression experiment's energy
// network 2→128→128→128→1 with softplus, forward and backward on a batch of
// 1000 pairs (ten DCEM iterations' worth of samples).
func BenchmarkEnergyMLP128Batch1000(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			dt := v.dt
			rng := tensor.NewRNG(1)
			m := NewMLP([]int{2, 128, 128, 128, 1}, Softplus, InitUniform, rng).Convert(dt)
			x := tensor.RandNOf(dt, rng, 1000, 2)
			use, reset := roundFor(v.arena)
			step := func() {
				ZeroGrad(m.Params())
				m.Forward(use(x)).Sum().Backward()
				reset()
			}
			step() // warm up: the first round fills the caches
			for b.Loop() {
				step()
			}
		})
	}
}

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

// BenchmarkSoftplus384k is the softplus of 3000×128 values, forward only;
// ns per element = ns/op / 384000.
func BenchmarkSoftplus384k(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			x := tensor.RandNOf(v.dt, tensor.NewRNG(1), 3000, 128).MulScalar(3)
			use, reset := roundFor(v.arena)
			step := func() {
				use(x).Softplus()
				reset()
			}
			step() // warm up: the first round fills the caches
			for b.Loop() {
				step()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/384000, "ns/elem")
		})
	}
}

func ExampleMLP_Convert() {
	m := NewMLP([]int{3, 8, 1}, Tanh, InitUniform, tensor.NewRNG(1))
	m32 := m.Convert(tensor.Float32) // the same weights, rounded to float32
	x := tensor.RandNOf(tensor.Float32, tensor.NewRNG(2), 4, 3)
	y := m32.Forward(x)
	fmt.Println(y.Shape(), y.DType())
	// Output: [4 1] float32
}
