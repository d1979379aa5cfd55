package tensor

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func randLeaf(g *RNG, shape ...int) *Tensor { return RandN(g, shape...).RequiresGrad() }

func posLeaf(g *RNG, shape ...int) *Tensor { return RandU(g, 0.5, 2, shape...).RequiresGrad() }

// gradCase is an operation on leaves, for gradient checks and for the
// float32-against-float64 comparison.
type gradCase struct {
	name   string
	inputs []*Tensor
	f      func(in []*Tensor) *Tensor
}

// gradCases lists every operation, with float64 inputs drawn from g.
func gradCases(g *RNG) []gradCase {
	return []gradCase{
		{"Add/same", []*Tensor{randLeaf(g, 3, 4), randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].Add(in[1]) }},
		{"Add/row", []*Tensor{randLeaf(g, 3, 4), randLeaf(g, 4)}, func(in []*Tensor) *Tensor { return in[0].Add(in[1]) }},
		{"Add/col", []*Tensor{randLeaf(g, 2, 3, 4), randLeaf(g, 2, 3, 1)}, func(in []*Tensor) *Tensor { return in[0].Add(in[1]) }},
		{"Add/both", []*Tensor{randLeaf(g, 3, 1), randLeaf(g, 1, 4)}, func(in []*Tensor) *Tensor { return in[0].Add(in[1]) }},
		{"Sub/mid", []*Tensor{randLeaf(g, 2, 3, 4), randLeaf(g, 2, 1, 4)}, func(in []*Tensor) *Tensor { return in[0].Sub(in[1]) }},
		{"Sub/scalar", []*Tensor{randLeaf(g), randLeaf(g, 2, 3)}, func(in []*Tensor) *Tensor { return in[0].Sub(in[1]) }},
		{"Mul/same", []*Tensor{randLeaf(g, 5), randLeaf(g, 5)}, func(in []*Tensor) *Tensor { return in[0].Mul(in[1]) }},
		{"Mul/bcast", []*Tensor{randLeaf(g, 2, 1, 4), randLeaf(g, 3, 1)}, func(in []*Tensor) *Tensor { return in[0].Mul(in[1]) }},
		{"Div/same", []*Tensor{randLeaf(g, 3, 2), posLeaf(g, 3, 2)}, func(in []*Tensor) *Tensor { return in[0].Div(in[1]) }},
		{"Div/bcast", []*Tensor{randLeaf(g, 3, 2), posLeaf(g, 3, 1)}, func(in []*Tensor) *Tensor { return in[0].Div(in[1]) }},
		{"Maximum", []*Tensor{randLeaf(g, 3, 4), randLeaf(g, 4)}, func(in []*Tensor) *Tensor { return in[0].Maximum(in[1]) }},
		{"Minimum", []*Tensor{randLeaf(g, 3, 4), randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].Minimum(in[1]) }},
		{"AddScalar", []*Tensor{randLeaf(g, 3)}, func(in []*Tensor) *Tensor { return in[0].AddScalar(2) }},
		{"MulScalar", []*Tensor{randLeaf(g, 3)}, func(in []*Tensor) *Tensor { return in[0].MulScalar(-3) }},
		{"Neg", []*Tensor{randLeaf(g, 3)}, func(in []*Tensor) *Tensor { return in[0].Neg() }},
		{"Square", []*Tensor{randLeaf(g, 3, 2)}, func(in []*Tensor) *Tensor { return in[0].Square() }},
		{"Pow", []*Tensor{posLeaf(g, 4)}, func(in []*Tensor) *Tensor { return in[0].Pow(2.5) }},
		{"Sqrt", []*Tensor{posLeaf(g, 4)}, func(in []*Tensor) *Tensor { return in[0].Sqrt() }},
		{"Exp", []*Tensor{randLeaf(g, 4)}, func(in []*Tensor) *Tensor { return in[0].Exp() }},
		{"Log", []*Tensor{posLeaf(g, 4)}, func(in []*Tensor) *Tensor { return in[0].Log() }},
		{"Abs", []*Tensor{randLeaf(g, 6)}, func(in []*Tensor) *Tensor { return in[0].Abs() }},
		{"Sin", []*Tensor{randLeaf(g, 6)}, func(in []*Tensor) *Tensor { return in[0].Sin() }},
		{"Cos", []*Tensor{randLeaf(g, 6)}, func(in []*Tensor) *Tensor { return in[0].Cos() }},
		{"Sigmoid", []*Tensor{randLeaf(g, 6)}, func(in []*Tensor) *Tensor { return in[0].MulScalar(3).Sigmoid() }},
		{"Tanh", []*Tensor{randLeaf(g, 6)}, func(in []*Tensor) *Tensor { return in[0].Tanh() }},
		{"Softplus", []*Tensor{randLeaf(g, 6)}, func(in []*Tensor) *Tensor { return in[0].MulScalar(4).Softplus() }},
		{"ReLU", []*Tensor{randLeaf(g, 6)}, func(in []*Tensor) *Tensor { return in[0].ReLU() }},
		{"ELU", []*Tensor{randLeaf(g, 6)}, func(in []*Tensor) *Tensor { return in[0].ELU(1.3) }},
		{"Clamp", []*Tensor{randLeaf(g, 8)}, func(in []*Tensor) *Tensor { return in[0].Clamp(-0.5, 0.5) }},
		{"Where", []*Tensor{randLeaf(g, 5), randLeaf(g, 5)}, func(in []*Tensor) *Tensor {
			return Where(New([]float64{1, 0, 1, 0, 0}), in[0], in[1])
		}},
		{"Sum", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].Sum() }},
		{"Mean", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].Mean() }},
		{"SumAxis0", []*Tensor{randLeaf(g, 3, 4, 2)}, func(in []*Tensor) *Tensor { return in[0].SumAxis(0, false) }},
		{"SumAxis1", []*Tensor{randLeaf(g, 3, 4, 2)}, func(in []*Tensor) *Tensor { return in[0].SumAxis(1, true) }},
		{"SumAxis-1", []*Tensor{randLeaf(g, 3, 4, 2)}, func(in []*Tensor) *Tensor { return in[0].SumAxis(-1, false) }},
		{"MeanAxis", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].MeanAxis(1, false) }},
		{"MaxAxis", []*Tensor{randLeaf(g, 3, 4, 2)}, func(in []*Tensor) *Tensor { return in[0].MaxAxis(1, false) }},
		{"MinAxis", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].MinAxis(0, true) }},
		{"LogSumExp", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].LogSumExp(1, false) }},
		{"Softmax", []*Tensor{randLeaf(g, 2, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].Softmax(1) }},
		{"LogSoftmax", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].LogSoftmax(-1) }},
		{"Standardize", []*Tensor{randLeaf(g, 3, 5)}, func(in []*Tensor) *Tensor { return in[0].Standardize(1e-3) }},
		{"MatMul/2d", []*Tensor{randLeaf(g, 3, 4), randLeaf(g, 4, 2)}, func(in []*Tensor) *Tensor { return in[0].MatMul(in[1]) }},
		{"MatMul/batched", []*Tensor{randLeaf(g, 2, 3, 4), randLeaf(g, 2, 4, 5)}, func(in []*Tensor) *Tensor { return in[0].MatMul(in[1]) }},
		{"MatMulT", []*Tensor{randLeaf(g, 2, 3, 4), randLeaf(g, 5, 4)}, func(in []*Tensor) *Tensor { return in[0].MatMulT(in[1]) }},
		{"MatMul/shared", []*Tensor{randLeaf(g, 2, 3, 4), randLeaf(g, 4, 5)}, func(in []*Tensor) *Tensor { return in[0].MatMul(in[1]) }},
		{"Reshape", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].Reshape(2, -1).Square() }},
		{"Unsqueeze/Squeeze", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].Unsqueeze(1).Exp().Squeeze(1) }},
		{"Permute", []*Tensor{randLeaf(g, 2, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].Permute(2, 0, 1).Square() }},
		{"Transpose", []*Tensor{randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor { return in[0].T().Square() }},
		{"Slice", []*Tensor{randLeaf(g, 3, 5, 2)}, func(in []*Tensor) *Tensor { return in[0].Slice(1, 1, 4).Square() }},
		{"Concat", []*Tensor{randLeaf(g, 2, 3), randLeaf(g, 2, 1)}, func(in []*Tensor) *Tensor { return Concat(1, in[0], in[1]).Square() }},
		{"Stack", []*Tensor{randLeaf(g, 2, 3), randLeaf(g, 2, 3)}, func(in []*Tensor) *Tensor { return Stack(0, in[0], in[1]).Square() }},
		{"IndexSelect", []*Tensor{randLeaf(g, 4, 3)}, func(in []*Tensor) *Tensor { return in[0].IndexSelect(0, []int{3, 0, 3}).Square() }},
		{"Gather", []*Tensor{randLeaf(g, 2, 4)}, func(in []*Tensor) *Tensor { return in[0].Gather(1, []int{3, 1, 0, 0, 2, 2}).Square() }},
		{"Expand", []*Tensor{randLeaf(g, 3, 1)}, func(in []*Tensor) *Tensor { return in[0].Expand(2, 3, 4).Square() }},
		{"Reuse", []*Tensor{randLeaf(g, 3)}, func(in []*Tensor) *Tensor { return in[0].Mul(in[0]).Add(in[0].Exp()) }},
		{"MLP", []*Tensor{randLeaf(g, 5, 3), randLeaf(g, 3, 4), randLeaf(g, 4)}, func(in []*Tensor) *Tensor {
			return in[0].MatMul(in[1]).Add(in[2]).Tanh().SumAxis(1, false)
		}},
		{"Affine/identity", []*Tensor{randLeaf(g, 5, 3), randLeaf(g, 3, 4), randLeaf(g, 4)}, func(in []*Tensor) *Tensor {
			return Affine(in[0], in[1], in[2], ActIdentity)
		}},
		{"Affine/relu", []*Tensor{randLeaf(g, 2, 5, 3), randLeaf(g, 3, 4), randLeaf(g, 4)}, func(in []*Tensor) *Tensor {
			return Affine(in[0], in[1], in[2], ActReLU)
		}},
		{"Affine/tanh", []*Tensor{randLeaf(g, 5, 3), randLeaf(g, 3, 4), randLeaf(g, 4)}, func(in []*Tensor) *Tensor {
			return Affine(in[0], in[1], in[2], ActTanh)
		}},
		{"Affine/sigmoid/nobias", []*Tensor{randLeaf(g, 5, 3), randLeaf(g, 3, 4)}, func(in []*Tensor) *Tensor {
			return Affine(in[0], in[1], nil, ActSigmoid)
		}},
		{"Affine/softplus", []*Tensor{randLeaf(g, 5, 3), randLeaf(g, 3, 4), randLeaf(g, 4)}, func(in []*Tensor) *Tensor {
			return Affine(in[0], in[1].MulScalar(2), in[2], ActSoftplus)
		}},
		{"Affine/elu", []*Tensor{randLeaf(g, 5, 3), randLeaf(g, 3, 4), randLeaf(g, 4)}, func(in []*Tensor) *Tensor {
			return Affine(in[0], in[1], in[2], ActELU)
		}},
		{"AffineConcat/relu", []*Tensor{randLeaf(g, 5, 3), randLeaf(g, 5, 2), randLeaf(g, 5, 4), randLeaf(g, 9, 4), randLeaf(g, 4)},
			func(in []*Tensor) *Tensor { return AffineConcat(in[:3], in[3], in[4], ActReLU) }},
		{"AffineConcat/batched/softplus", []*Tensor{randLeaf(g, 2, 3, 2), randLeaf(g, 2, 3, 3), randLeaf(g, 5, 4)},
			func(in []*Tensor) *Tensor { return AffineConcat(in[:2], in[2].MulScalar(2), nil, ActSoftplus) }},
		{"AffineColumns/elu", []*Tensor{randLeaf(g, 5, 3), randLeaf(g, 3, 7), randLeaf(g, 7)},
			func(in []*Tensor) *Tensor { return AffineColumns(in[0], in[1], in[2], 2, 5, ActELU) }},
		{"AffineColumns/batched/nobias", []*Tensor{randLeaf(g, 2, 4, 3), randLeaf(g, 3, 6)},
			func(in []*Tensor) *Tensor { return AffineColumns(in[0], in[1], nil, 0, 4, ActSigmoid) }},
		{"AffineConcat/shared", []*Tensor{randLeaf(g, 4, 3), randLeaf(g, 6, 2)},
			func(in []*Tensor) *Tensor { // one part twice: its gradient adds up from both blocks
				return AffineConcat([]*Tensor{in[0], in[0]}, in[1], nil, ActTanh)
			}},
		{"GRUCell", []*Tensor{randLeaf(g, 3, 4), randLeaf(g, 3, 5), randLeaf(g, 4, 15), randLeaf(g, 15), randLeaf(g, 5, 15), randLeaf(g, 15)},
			func(in []*Tensor) *Tensor { return GRUCell(in[0], in[1], in[2], in[3], in[4], in[5]) }},
		{"GRUCell/wide", []*Tensor{randLeaf(g, 2, 9), randLeaf(g, 2, 13), randLeaf(g, 9, 39), randLeaf(g, 39), randLeaf(g, 13, 39), randLeaf(g, 39)},
			func(in []*Tensor) *Tensor { return GRUCell(in[0], in[1].Tanh(), in[2], in[3], in[4], in[5]) }},
		{"GRUCell/unrolled", []*Tensor{randLeaf(g, 2, 3), randLeaf(g, 2, 4), randLeaf(g, 3, 12), randLeaf(g, 4, 12), randLeaf(g, 12)},
			func(in []*Tensor) *Tensor { // no input bias; the state passes through three steps
				h := in[1]
				for k := 0; k < 3; k++ {
					h = GRUCell(in[0].MulScalar(float64(k+1)), h, in[2], nil, in[3], in[4])
				}
				return h
			}},
	}
}

// TestGradients checks every operation's gradient against central finite
// differences (eps 1e-6, relative tolerance 1e-6).
func TestGradients(t *testing.T) {
	for _, c := range gradCases(NewRNG(1)) {
		t.Run(c.name, func(t *testing.T) {
			if err := GradCheck(func() *Tensor { return c.f(c.inputs) }, c.inputs, 1e-6, 1e-6); err != nil {
				t.Error(err)
			}
		})
	}
}

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func assertData(t *testing.T, got *Tensor, want []float64, tol float64) {
	t.Helper()
	if len(got.data) != len(want) {
		t.Fatalf("got %d values, want %d", len(got.data), len(want))
	}
	for i := range want {
		if !close(got.data[i], want[i], tol) {
			t.Fatalf("element %d: got %.10g, want %.10g (all: %v)", i, got.data[i], want[i], got.data)
		}
	}
}

func TestBroadcastValues(t *testing.T) {
	a := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	assertData(t, a.Add(New([]float64{10, 20, 30})), []float64{11, 22, 33, 14, 25, 36}, 0)
	assertData(t, a.Mul(New([]float64{2, 3}, 2, 1)), []float64{2, 4, 6, 12, 15, 18}, 0)
	assertData(t, Scalar(1).Sub(a), []float64{0, -1, -2, -3, -4, -5}, 0)
	c := New([]float64{1, 2}, 2, 1).Add(New([]float64{10, 20, 30}, 1, 3))
	if !sameShape(c.shape, []int{2, 3}) {
		t.Fatalf("shape %v", c.shape)
	}
	assertData(t, c, []float64{11, 21, 31, 12, 22, 32}, 0)
	// (2,1,3) + (4,1): result (2,4,3).
	d := Arange(6).Reshape(2, 1, 3).Add(Arange(4).Reshape(4, 1))
	if d.At(1, 2, 0) != 3+2 || d.At(0, 3, 2) != 2+3 {
		t.Fatalf("bad broadcast %v", d)
	}
}

func TestShapePanicsNameShapes(t *testing.T) {
	defer func() {
		r := recover()
		msg, _ := r.(string)
		if !strings.Contains(msg, "[2 3]") || !strings.Contains(msg, "[4]") {
			t.Fatalf("panic message %q should name both shapes", msg)
		}
	}()
	Zeros(2, 3).Add(Zeros(4))
}

func TestReductionsValues(t *testing.T) {
	a := New([]float64{1, 5, 3, 4, 2, 6}, 2, 3)
	assertData(t, a.SumAxis(0, false), []float64{5, 7, 9}, 0)
	assertData(t, a.SumAxis(1, false), []float64{9, 12}, 0)
	assertData(t, a.MaxAxis(1, false), []float64{5, 6}, 0)
	assertData(t, a.MinAxis(0, false), []float64{1, 2, 3}, 0)
	assertData(t, a.Mean(), []float64{3.5}, 1e-15)
	lse := New([]float64{1000, 1000}).LogSumExp(0, false)
	assertData(t, lse, []float64{1000 + math.Log(2)}, 1e-9)
	s := New([]float64{3, 1, 4, 1.5, 5, 9, 2, 6}).Reshape(1, 8).Standardize(0)
	m, sd := 3.9375, math.Sqrt(50.21875/7) // Σ(v−m)² = 50.21875
	for i, v := range []float64{3, 1, 4, 1.5, 5, 9, 2, 6} {
		if !close(s.data[i], (v-m)/sd, 1e-5) {
			t.Fatalf("Standardize element %d: %g", i, s.data[i])
		}
	}
}

func TestMatMulValues(t *testing.T) {
	a := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := New([]float64{7, 8, 9, 10, 11, 12}, 3, 2)
	assertData(t, a.MatMul(b), []float64{58, 64, 139, 154}, 1e-12)
	// Batched equals per-batch products.
	g := NewRNG(3)
	x, y := RandN(g, 3, 4, 5), RandN(g, 3, 5, 2)
	z := x.MatMul(y)
	for k := 0; k < 3; k++ {
		zk := x.Slice(0, k, k+1).Reshape(4, 5).MatMul(y.Slice(0, k, k+1).Reshape(5, 2))
		assertData(t, z.Slice(0, k, k+1).Reshape(4, 2), zk.data, 1e-12)
	}
}

func TestShapeOpsValues(t *testing.T) {
	a := Arange(6).Reshape(2, 3)
	assertData(t, a.T(), []float64{0, 3, 1, 4, 2, 5}, 0)
	assertData(t, a.Slice(1, 1, 3), []float64{1, 2, 4, 5}, 0)
	assertData(t, Concat(0, a, a.Slice(0, 0, 1)), []float64{0, 1, 2, 3, 4, 5, 0, 1, 2}, 0)
	assertData(t, a.IndexSelect(1, []int{2, 2, 0}), []float64{2, 2, 0, 5, 5, 3}, 0)
	assertData(t, a.Gather(1, []int{2, 0}), []float64{2, 3}, 0)
	b := Arange(24).Reshape(2, 3, 4).Permute(2, 0, 1)
	if b.At(3, 1, 2) != 1*12+2*4+3 {
		t.Fatalf("Permute: %v", b.At(3, 1, 2))
	}
}

func TestBackwardAccumulatesAndReleases(t *testing.T) {
	x := New([]float64{1, 2, 3}).RequiresGrad()
	y := x.Square().Sum()
	y.Backward()
	assertData(t, x.Grad(), []float64{2, 4, 6}, 0)
	x.Square().Sum().Backward() // a new graph adds up
	assertData(t, x.Grad(), []float64{4, 8, 12}, 0)
	// A second Backward through a released graph panics rather than
	// silently dropping the gradient: through the same root, and through a
	// released intermediate that a new graph uses.
	mustPanic(t, "released by an earlier Backward", func() { y.Backward() })
	z := x.Square()
	z.Sum().Backward()
	mustPanic(t, "graph through Square was released", func() { z.MulScalar(2).Sum().Backward() })
	assertData(t, x.Grad(), []float64{6, 12, 18}, 0)
	x.ZeroGrad()
	if x.Grad() != nil {
		t.Fatal("ZeroGrad kept the gradient")
	}
	// Constants record nothing.
	c := New([]float64{1, 2}).Exp()
	if c.NeedsGrad() || !c.IsLeaf() {
		t.Fatal("an op on constants recorded a graph")
	}
}

func TestDeepGraph(t *testing.T) {
	// 100k chained ops must not overflow a stack.
	x := Scalar(1).RequiresGrad()
	y := x
	for i := 0; i < 100000; i++ {
		y = y.AddScalar(1e-6)
	}
	y.Backward()
	if x.Grad().Item() != 1 {
		t.Fatalf("grad %v", x.Grad().Item())
	}
}

func TestRNGDeterminism(t *testing.T) {
	a, b := RandN(NewRNG(7), 100), RandN(NewRNG(7), 100)
	assertData(t, a, b.data, 0)
	c := RandN(NewRNG(8), 100)
	if c.data[0] == a.data[0] {
		t.Fatal("different seeds gave the same draw")
	}
	u := RandU(NewRNG(1), -2, 3, 10000)
	mn, mx := u.MinAxis(0, false).Item(), u.MaxAxis(0, false).Item()
	if mn < -2 || mx >= 3 {
		t.Fatalf("RandU out of range: [%g, %g]", mn, mx)
	}
	// Sample mean and variance of 1e5 normals: within 5 standard errors.
	n := RandN(NewRNG(2), 100000)
	m := n.Mean().Item()
	v := n.Square().Mean().Item() - m*m
	if math.Abs(m) > 5/math.Sqrt(1e5) || math.Abs(v-1) > 5*math.Sqrt(2/1e5) {
		t.Fatalf("normal moments: mean %g var %g", m, v)
	}
}

func TestString(t *testing.T) {
	s := Arange(3).String()
	if s != "tensor([0, 1, 2], shape=[3])" {
		t.Fatalf("String: %q", s)
	}
	long := Arange(100).Reshape(10, 10).String()
	if !strings.Contains(long, "...") {
		t.Fatalf("long tensors should elide: %s", long)
	}
}

// mustPanic runs f and fails unless it panics with a message containing want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want one containing %q", msg, want)
		}
	}()
	f()
}

// weightedLoss reduces y with fixed distinct weights, so that a gradient
// checks every element of y.
func weightedLoss(y *Tensor) *Tensor {
	w := make([]float64, y.Size())
	for i := range w {
		w[i] = 0.5 + 0.5*math.Sin(1.3*float64(i)+0.7)
	}
	return y.Mul(New(w, y.shape...).To(y.dtype)).Sum()
}

// TestFloat32MatchesFloat64 runs every operation of the gradient checks on
// float32 copies of its inputs: values and gradients agree with the
// float64 ones to |f32 − f64| ≤ 2e-5·max(1, |f64|) (a few float32 roundings
// through a short chain of operations), and every result and gradient is
// float32.
func TestFloat32MatchesFloat64(t *testing.T) {
	for _, c := range gradCases(NewRNG(7)) {
		t.Run(c.name, func(t *testing.T) {
			for _, x := range c.inputs {
				x.ZeroGrad()
			}
			y64 := c.f(c.inputs)
			weightedLoss(y64).Backward()
			in32 := make([]*Tensor, len(c.inputs))
			for i, x := range c.inputs {
				in32[i] = x.Detach().Float32().RequiresGrad()
			}
			y32 := c.f(in32)
			if y32.DType() != Float32 {
				t.Fatalf("result is %v, want float32", y32.DType())
			}
			weightedLoss(y32).Backward()
			agree := func(what string, a32, a64 *Tensor) {
				t.Helper()
				if !sameShape(a32.shape, a64.shape) {
					t.Fatalf("%s: shape %v, want %v", what, a32.shape, a64.shape)
				}
				v32, v64 := a32.Values(), a64.Values()
				for i := range v64 {
					if d := math.Abs(v32[i] - v64[i]); !(d <= 2e-5*math.Max(1, math.Abs(v64[i]))) {
						t.Fatalf("%s element %d: float32 %.8g, float64 %.8g", what, i, v32[i], v64[i])
					}
				}
			}
			agree("value", y32, y64)
			for i := range in32 {
				g32, g64 := in32[i].Grad(), c.inputs[i].Grad()
				if g64 == nil {
					continue
				}
				if g32 == nil || g32.DType() != Float32 {
					t.Fatalf("input %d: no float32 gradient", i)
				}
				agree(fmt.Sprintf("gradient of input %d", i), g32, g64)
			}
		})
	}
}

// TestFusedLayersMatchComposition checks Affine and GRUCell against the
// same functions written with separate operations.
func TestFusedLayersMatchComposition(t *testing.T) {
	g := NewRNG(3)
	x, w, b := RandN(g, 6, 5), RandN(g, 5, 4), RandN(g, 4)
	acts := map[Act]func(*Tensor) *Tensor{
		ActIdentity: func(u *Tensor) *Tensor { return u },
		ActReLU:     (*Tensor).ReLU, ActTanh: (*Tensor).Tanh, ActSigmoid: (*Tensor).Sigmoid,
		ActSoftplus: (*Tensor).Softplus, ActELU: func(u *Tensor) *Tensor { return u.ELU(1) },
	}
	for act, f := range acts {
		assertData(t, Affine(x, w, b, act), f(x.MatMul(w).Add(b)).data, 1e-14)
		assertData(t, AffineConcat([]*Tensor{x.Slice(1, 0, 2), x.Slice(1, 2, 5)}, w, b, act), f(x.MatMul(w).Add(b)).data, 1e-14)
	}
	for lo := range 4 {
		for hi := lo + 1; hi <= 4; hi++ {
			assertData(t, AffineColumns(x, w, b, lo, hi, ActTanh), x.MatMul(w).Add(b).Tanh().Slice(1, lo, hi).data, 1e-14)
		}
	}
	// A part without columns adds nothing.
	assertData(t, AffineConcat([]*Tensor{x, Zeros(6, 0)}, w, b, ActReLU), x.MatMul(w).Add(b).ReLU().data, 1e-14)
	mustPanic(t, "want 0 ≤ lo < hi ≤ 4", func() { AffineColumns(x, w, b, 2, 5, ActReLU) })
	mustPanic(t, "parts of total width 4", func() { AffineConcat([]*Tensor{x.Slice(1, 0, 2), x.Slice(1, 3, 5)}, w, b, ActReLU) })
	mustPanic(t, "leading axes differ", func() { AffineConcat([]*Tensor{x.Slice(1, 0, 2), RandN(g, 5, 3)}, w, b, ActReLU) })
	const hs = 5
	xi, h := RandN(g, 3, 4), RandN(g, 3, hs)
	wi, bi, wh, bh := RandN(g, 4, 3*hs), RandN(g, 3*hs), RandN(g, hs, 3*hs), RandN(g, 3*hs)
	a, c := xi.MatMul(wi).Add(bi), h.MatMul(wh).Add(bh)
	r := a.Slice(1, 0, hs).Add(c.Slice(1, 0, hs)).Sigmoid()
	z := a.Slice(1, hs, 2*hs).Add(c.Slice(1, hs, 2*hs)).Sigmoid()
	n := a.Slice(1, 2*hs, 3*hs).Add(r.Mul(c.Slice(1, 2*hs, 3*hs))).Tanh()
	want := Scalar(1).Sub(z).Mul(n).Add(z.Mul(h))
	assertData(t, GRUCell(xi, h, wi, bi, wh, bh), want.data, 1e-14)
}

func TestMixedDTypesPanic(t *testing.T) {
	a, b := Zeros(2, 3), ZerosOf(Float32, 2, 3)
	mustPanic(t, "float64 (shape [2 3]) and float32 (shape [2 3])", func() { a.Add(b) })
	mustPanic(t, "dtypes differ", func() { a.MatMul(ZerosOf(Float32, 3, 2)) })
	mustPanic(t, "dtypes differ", func() { Concat(0, a, b) })
	mustPanic(t, "use Data32", func() { b.Data() })
	mustPanic(t, "gradient checks run in float64", func() {
		x := b.RequiresGrad()
		if err := GradCheck(func() *Tensor { return x.Sum() }, []*Tensor{x}, 1e-6, 1e-6); err != nil {
			panic(err.Error())
		}
	})
}

// TestConvertGradient checks that a gradient flows back through dtype
// conversions, converted to the leaf's dtype.
func TestConvertGradient(t *testing.T) {
	x := New([]float64{0.5, -1.25, 3}).RequiresGrad()
	y := x.Float32().Square().Sum() // float32 loss of a float64 leaf
	if y.DType() != Float32 {
		t.Fatalf("loss is %v", y.DType())
	}
	y.Backward()
	assertData(t, x.Grad(), []float64{1, -2.5, 6}, 0)
	if x.Grad().DType() != Float64 {
		t.Fatalf("gradient is %v, want float64", x.Grad().DType())
	}
	u := New32([]float32{2, -3}).RequiresGrad()
	u.Float64().Exp().Sum().Backward()
	g := u.Grad().Data32()
	if math.Abs(float64(g[0])-math.Exp(2)) > 1e-6*math.Exp(2) || math.Abs(float64(g[1])-math.Exp(-3)) > 1e-7 {
		t.Fatalf("gradient through Float64: %v", g)
	}
	if x.To(Float64) != x {
		t.Fatal("To of the same dtype made a copy")
	}
}

// TestGradCheckCatchesSmallGradients checks that GradCheck's tolerance is
// relative: a gradient of size 1e-9 that is wrong by half must fail, the
// right one must pass.
func TestGradCheckCatchesSmallGradients(t *testing.T) {
	x := New([]float64{0.3, -1.2, 2}).RequiresGrad()
	op := func(factor float64) func() *Tensor {
		return func() *Tensor {
			v := make([]float64, 3)
			for i, xi := range x.data {
				v[i] = 1e-9 * xi * xi
			}
			return NewOp("SmallSquare", v, []int{3}, []*Tensor{x}, func(g []float64, grads [][]float64) {
				for i := range g {
					grads[0][i] += g[i] * factor * 2e-9 * x.data[i]
				}
			})
		}
	}
	if err := GradCheck(op(1), []*Tensor{x}, 1e-4, 1e-5); err != nil {
		t.Errorf("correct small gradient rejected: %v", err)
	}
	if err := GradCheck(op(1.5), []*Tensor{x}, 1e-4, 1e-5); err == nil {
		t.Error("a small gradient wrong by half passed")
	}
}
