package tensor

import (
	"slices"
	"strings"
	"testing"
)

// TestRecomputeGradients checks that a function run through Recompute gives
// the value and the gradients of the same function run directly — to the
// inputs and to a parameter it closes over — bit for bit, in both dtypes,
// and passes a gradient check.
func TestRecomputeGradients(t *testing.T) {
	for _, dt := range []DType{Float64, Float32} {
		g := NewRNG(1)
		w := RandNOf(dt, g, 4, 3).RequiresGrad()
		f := func(in []*Tensor) *Tensor {
			h := in[0].MatMul(w).Tanh()
			return h.Mul(in[1]).Square().SumAxis(1, false)
		}
		x := RandNOf(dt, g, 5, 4).RequiresGrad()
		c := RandNOf(dt, g, 5, 3) // an input without a gradient
		direct := f([]*Tensor{x, c})
		direct.Sum().Backward()
		wantX, wantW := x.Grad().Values(), w.Grad().Values()
		x.ZeroGrad()
		w.ZeroGrad()
		r := Recompute(f, x, c)
		if got, want := r.Values(), direct.Values(); !slices.Equal(got, want) {
			t.Fatalf("%v: value %v, direct %v", dt, got, want)
		}
		r.Sum().Backward()
		if !slices.Equal(x.Grad().Values(), wantX) || !slices.Equal(w.Grad().Values(), wantW) {
			t.Errorf("%v: gradients differ from the direct graph's", dt)
		}
		if dt == Float64 {
			if err := GradCheck(func() *Tensor { return Recompute(f, x, c).Sum() }, []*Tensor{x, w}, 1e-6, 1e-6); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestRecomputeKeepsNoIntermediates checks the point of Recompute: in an
// arena, the forward pass of a deep function keeps only the result, far
// less than the graph of the function run directly.
func TestRecomputeKeepsNoIntermediates(t *testing.T) {
	w := RandNOf(Float32, NewRNG(2), 64, 64).RequiresGrad()
	deep := func(in []*Tensor) *Tensor {
		h := in[0]
		for range 20 {
			h = h.MatMul(w).Tanh()
		}
		return h
	}
	bytes := func(recompute bool) int64 {
		a := NewArena()
		defer a.Free()
		x := a.Use(RandNOf(Float32, NewRNG(3), 256, 64))
		var y *Tensor
		if recompute {
			y = Recompute(deep, x)
		} else {
			y = deep([]*Tensor{x})
		}
		n := a.Bytes()
		y.Sum().Backward()
		return n
	}
	direct, rec := bytes(false), bytes(true)
	if !(rec*10 < direct) {
		t.Errorf("forward bytes in the arena: %d with Recompute, %d directly; want a tenth or less", rec, direct)
	}
}

func TestRecomputeErrors(t *testing.T) {
	mustPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if r == nil || !strings.Contains(r.(string), want) {
				t.Errorf("%s: panic %v, want one naming %q", name, r, want)
			}
		}()
		f()
	}
	id := func(in []*Tensor) *Tensor { return in[0] }
	mustPanic("no inputs", "no inputs", func() { Recompute(id) })
	mustPanic("mixed dtypes", "input 1", func() { Recompute(id, Zeros(2), ZerosOf(Float32, 2)) })
}
