package tensor

import (
	"runtime"
	"testing"
)

// TestThreadsGiveIdenticalResults runs large elementwise operations and a
// fused layer, forward and backward, on one thread and on all: the values
// and gradients must be bit for bit the same.
func TestThreadsGiveIdenticalResults(t *testing.T) {
	run := func() []float64 {
		g := NewRNG(8)
		x := RandNOf(Float32, g, 300, 400).RequiresGrad()
		w, b := RandNOf(Float32, g, 400, 256).MulScalar(0.05).RequiresGrad(), RandNOf(Float32, g, 256).RequiresGrad()
		y := Affine(x.Tanh(), w, b, ActSoftplus).Sigmoid().Sum()
		y.Backward()
		out := []float64{y.Item()}
		for _, p := range []*Tensor{x, w, b} {
			out = append(out, p.Grad().Values()...)
		}
		return out
	}
	prev := runtime.GOMAXPROCS(1)
	one := run()
	runtime.GOMAXPROCS(max(prev, 4))
	all := run()
	runtime.GOMAXPROCS(prev)
	for i := range one {
		if one[i] != all[i] {
			t.Fatalf("element %d: %.9g on one thread, %.9g on several", i, one[i], all[i])
		}
	}
}
