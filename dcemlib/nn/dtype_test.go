package nn

import (
	"math"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestFloat32TrainingLearns fits y = sin(3x) with a tanh MLP and Adam in
// float64 and, from the same initial weights, in float32 (in an arena, as a
// training loop is meant to run): both must cut the loss by 20× in 400
// steps, and the float32 losses must track the float64 ones to 1e-4
// relative over the first 20 steps (before rounding differences compound).
func TestFloat32TrainingLearns(t *testing.T) {
	rng := tensor.NewRNG(9)
	base := NewMLP([]int{1, 32, 32, 1}, Tanh, InitUniform, rng)
	x := tensor.Linspace(-1, 1, 128).Reshape(128, 1)
	y := x.MulScalar(3).Sin()
	train := func(dt tensor.DType) []float64 {
		m := base.Convert(dt)
		if m.DType() != dt {
			t.Fatalf("Convert(%v) gave %v", dt, m.DType())
		}
		opt := NewAdam(m.Params(), 1e-2)
		a := tensor.NewArena()
		xs, ys := x.To(dt), y.To(dt)
		var losses []float64
		for step := 0; step < 400; step++ {
			opt.ZeroGrad()
			loss := m.Forward(a.Use(xs)).Sub(ys).Square().Mean()
			losses = append(losses, loss.Item())
			loss.Backward()
			a.Reset()
			opt.Step()
		}
		return losses
	}
	l64, l32 := train(tensor.Float64), train(tensor.Float32)
	for name, l := range map[string][]float64{"float64": l64, "float32": l32} {
		if !(l[len(l)-1] < l[0]/20) {
			t.Errorf("%s: loss %.4g → %.4g, want a 20× cut", name, l[0], l[len(l)-1])
		}
	}
	for i := 0; i < 20; i++ {
		if d := math.Abs(l32[i]-l64[i]) / l64[i]; d > 1e-4 {
			t.Fatalf("step %d: float32 loss %.8g, float64 %.8g (rel. %.2g)", i, l32[i], l64[i], d)
		}
	}
}

// TestConvertKeepsValues checks that converted layers hold the same weights
// as fresh leaves, and that a checkpoint round-trips through float32.
func TestConvertKeepsValues(t *testing.T) {
	c := NewGRUCell(3, 4, tensor.NewRNG(4))
	c32 := c.Convert(tensor.Float32)
	for i, p := range c.Params() {
		q := c32.Params()[i]
		if q.DType() != tensor.Float32 || !q.NeedsGrad() || !q.IsLeaf() {
			t.Fatalf("parameter %d: %v leaf=%v grad=%v", i, q.DType(), q.IsLeaf(), q.NeedsGrad())
		}
		pv, qv := p.Values(), q.Values()
		for j := range pv {
			if float32(pv[j]) != float32(qv[j]) {
				t.Fatalf("parameter %d element %d: %g vs %g", i, j, qv[j], pv[j])
			}
		}
	}
	path := t.TempDir() + "/gru.json"
	if err := SaveParamsFile(path, c32.Params()); err != nil {
		t.Fatal(err)
	}
	back := NewGRUCell(3, 4, tensor.NewRNG(5)).Convert(tensor.Float32)
	if err := LoadParamsFile(path, back.Params()); err != nil {
		t.Fatal(err)
	}
	for i, p := range c32.Params() {
		pv, bv := p.Values(), back.Params()[i].Values()
		for j := range pv {
			if pv[j] != bv[j] {
				t.Fatalf("checkpoint: parameter %d element %d: %g vs %g", i, j, bv[j], pv[j])
			}
		}
	}
}

// TestAdamStep32 checks the float32 Adam update in use (vectorized when
// built with GOEXPERIMENT=simd) against the portable one: after 20 steps
// the parameters agree to 1e-6 relative.
func TestAdamStep32(t *testing.T) {
	const n = 1003 // not a multiple of the vector width
	rng := tensor.NewRNG(3)
	p1 := tensor.RandNOf(tensor.Float32, rng, n).Data32()
	p2 := append([]float32(nil), p1...)
	m1, v1 := make([]float32, n), make([]float32, n)
	m2, v2 := make([]float32, n), make([]float32, n)
	for step := 1; step <= 20; step++ {
		g := tensor.RandNOf(tensor.Float32, rng, n).Data32()
		c1, c2 := 1-math.Pow(0.9, float64(step)), 1-math.Pow(0.999, float64(step))
		adamStep32(p1, g, m1, v1, 0.9, 0.999, 1e-3/c1, 1/c2, 1e-8, 1e-4)
		adamStep(p2, g, m2, v2, 0.9, 0.999, 1e-3/c1, 1/c2, 1e-8, 1e-4)
	}
	for i := range p1 {
		if d := math.Abs(float64(p1[i] - p2[i])); d > 1e-6*math.Max(1, math.Abs(float64(p2[i]))) {
			t.Fatalf("parameter %d: %.9g, portable %.9g", i, p1[i], p2[i])
		}
	}
}
