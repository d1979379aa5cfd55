package nn

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

const (
	gcEps = 1e-6
	gcTol = 1e-5
)

func TestLinearGrad(t *testing.T) {
	rng := tensor.NewRNG(1)
	for _, init := range []Init{InitUniform, InitNormal} {
		l := NewLinear(3, 4, init, rng)
		x := tensor.RandN(rng, 5, 3).RequiresGrad()
		f := func() *tensor.Tensor { return l.Forward(x) }
		if err := tensor.GradCheck(f, append(l.Params(), x), gcEps, gcTol); err != nil {
			t.Errorf("%v: %v", init, err)
		}
		// A batch of sequences (B, T, In) and a single vector (In).
		x3 := tensor.RandN(rng, 2, 3, 3).RequiresGrad()
		if err := tensor.GradCheck(func() *tensor.Tensor { return l.Forward(x3) }, []*tensor.Tensor{x3, l.W}, gcEps, gcTol); err != nil {
			t.Errorf("%v 3-d: %v", init, err)
		}
		if got := l.Forward(tensor.RandN(rng, 3)).Shape(); len(got) != 1 || got[0] != 4 {
			t.Errorf("1-d input gives shape %v, want [4]", got)
		}
	}
}

func TestLinearInitStats(t *testing.T) {
	rng := tensor.NewRNG(2)
	in, out := 200, 300
	l := NewLinear(in, out, InitUniform, rng)
	bound := 1 / math.Sqrt(float64(in))
	for _, v := range append(append([]float64{}, l.W.Data()...), l.B.Data()...) {
		if math.Abs(v) > bound {
			t.Fatalf("uniform init value %g outside ±%g", v, bound)
		}
	}
	// Variance of U(−b, b) is b²/3; with 60000 draws the relative standard
	// error of the sample variance is about 0.4%.
	if got, want := variance(l.W.Data()), bound*bound/3; math.Abs(got/want-1) > 0.03 {
		t.Errorf("uniform init variance %g, want %g ± 3%%", got, want)
	}
	l = NewLinear(in, out, InitNormal, rng)
	s := 2 / math.Sqrt(float64(in+out))
	if got, want := variance(l.W.Data()), s*s; math.Abs(got/want-1) > 0.03 {
		t.Errorf("normal init variance %g, want %g ± 3%%", got, want)
	}
	for _, v := range l.B.Data() {
		if v != 0 {
			t.Fatalf("normal init bias %g, want 0", v)
		}
	}
}

func variance(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x))
}

func TestMLPGrad(t *testing.T) {
	for _, act := range []Activation{Softplus, ELU, ReLU, Tanh, Sigmoid} {
		rng := tensor.NewRNG(3)
		m := NewMLP([]int{3, 6, 5, 2}, act, InitUniform, rng)
		m.OutAct = Tanh
		x := tensor.RandN(rng, 4, 3).RequiresGrad()
		f := func() *tensor.Tensor { return m.Forward(x) }
		if err := tensor.GradCheck(f, append(m.Params(), x), gcEps, gcTol); err != nil {
			t.Errorf("%v: %v", act, err)
		}
	}
}

// TestForwardConcatAndOutputs checks the copy-free variants against the
// plain forward passes they stand for, for every activation, their
// gradients against finite differences, and that a bad width or range panics with the bound.
func TestForwardConcatAndOutputs(t *testing.T) {
	rng := tensor.NewRNG(5)
	for _, act := range []Activation{Identity, Softplus, ELU, ReLU, Tanh, Sigmoid} {
		m := NewMLP([]int{5, 6, 3}, act, InitUniform, rng)
		a, b := tensor.RandN(rng, 4, 2).RequiresGrad(), tensor.RandN(rng, 4, 3).RequiresGrad()
		want := m.Forward(tensor.Concat(1, a, b)).Values()
		got := m.ForwardConcat(a, b).Values()
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("%v: ForwardConcat element %d = %v, Forward of the concatenation %v", act, i, got[i], want[i])
			}
		}
		f := func() *tensor.Tensor { return m.ForwardConcat(a, b) }
		if err := tensor.GradCheck(f, append(m.Params(), a, b), gcEps, gcTol); err != nil {
			t.Errorf("%v ForwardConcat: %v", act, err)
		}
		l := m.Layers[0]
		x := tensor.Concat(1, a, b).Detach().RequiresGrad()
		full := l.ForwardAct(x, act).Values()
		part := l.ForwardOutputs(x, act, 2, 5).Values()
		for r := range 4 {
			for j := range 3 {
				if d := math.Abs(part[r*3+j] - full[r*6+2+j]); d > 1e-12 {
					t.Fatalf("%v: ForwardOutputs(2, 5) row %d column %d off by %v", act, r, j, d)
				}
			}
		}
		g := func() *tensor.Tensor { return l.ForwardOutputs(x, act, 2, 5) }
		if err := tensor.GradCheck(g, append(l.Params(), x), gcEps, gcTol); err != nil {
			t.Errorf("%v ForwardOutputs: %v", act, err)
		}
	}
	l := NewLinear(5, 6, InitUniform, rng)
	for name, c := range map[string]struct {
		f    func()
		want string
	}{
		"width":   {func() { l.ForwardConcat(ReLU, tensor.Zeros(2, 2), tensor.Zeros(2, 2)) }, "total width 4, want In = 5"},
		"range":   {func() { l.ForwardOutputs(tensor.Zeros(2, 5), ReLU, 3, 7) }, "want 0 ≤ lo < hi ≤ Out = 6"},
		"empty":   {func() { l.ForwardOutputs(tensor.Zeros(2, 5), ReLU, 3, 3) }, "want 0 ≤ lo < hi ≤ Out = 6"},
		"1-d arg": {func() { l.ForwardConcat(ReLU, tensor.Zeros(5)) }, "want at least 2 axes"},
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), c.want) {
					t.Errorf("%s: panic %v, want one containing %q", name, r, c.want)
				}
			}()
			c.f()
		}()
	}
}

// InputGrad must equal finite differences of Forward (first order) and be
// differentiable itself (second order), for every activation with a
// nonzero second derivative.
func TestMLPInputGrad(t *testing.T) {
	for _, act := range []Activation{Softplus, ELU, Tanh, Sigmoid, ReLU} {
		rng := tensor.NewRNG(4)
		m := NewMLP([]int{2, 7, 7, 1}, act, InitUniform, rng)
		x := tensor.RandN(rng, 5, 2).RequiresGrad()
		_, g := m.InputGrad(x, nil)
		if err := tensor.GradCheck(func() *tensor.Tensor { return m.Forward(x).Sum() }, []*tensor.Tensor{x}, gcEps, gcTol); err != nil {
			t.Fatalf("%v: forward: %v", act, err)
		}
		x.ZeroGrad()
		m.Forward(x).Sum().Backward()
		for i, v := range x.Grad().Data() {
			if d := math.Abs(v - g.Data()[i]); d > 1e-12*math.Max(1, math.Abs(v)) {
				t.Fatalf("%v: InputGrad element %d = %.15g, Backward gives %.15g", act, i, g.Data()[i], v)
			}
		}
		if act == ReLU {
			continue // piecewise linear: the second derivative is zero
		}
		seed := tensor.RandN(rng, 5, 1)
		f := func() *tensor.Tensor {
			_, g := m.InputGrad(x, seed)
			return g
		}
		if err := tensor.GradCheck(f, append(m.Params(), x), gcEps, gcTol); err != nil {
			t.Errorf("%v: second order: %v", act, err)
		}
	}
}

func TestMLPInputGrad3D(t *testing.T) {
	rng := tensor.NewRNG(5)
	m := NewMLP([]int{2, 4, 1}, Softplus, InitUniform, rng)
	x := tensor.RandN(rng, 3, 4, 2).RequiresGrad()
	y, g := m.InputGrad(x, nil)
	if !equalInts(y.Shape(), []int{3, 4, 1}) || !equalInts(g.Shape(), []int{3, 4, 2}) {
		t.Fatalf("shapes y %v g %v, want [3 4 1] and [3 4 2]", y.Shape(), g.Shape())
	}
	m.Forward(x).Sum().Backward()
	for i, v := range x.Grad().Data() {
		if math.Abs(v-g.Data()[i]) > 1e-12 {
			t.Fatalf("element %d: %g vs %g", i, g.Data()[i], v)
		}
	}
	x1 := tensor.RandN(rng, 2)
	_, g1 := m.InputGrad(x1, nil)
	if !equalInts(g1.Shape(), []int{2}) {
		t.Fatalf("1-d input gradient shape %v, want [2]", g1.Shape())
	}
}

func TestGRUGrad(t *testing.T) {
	rng := tensor.NewRNG(6)
	c := NewGRUCell(3, 4, rng)
	x := tensor.RandN(rng, 2, 3).RequiresGrad()
	h := tensor.RandN(rng, 2, 4).RequiresGrad()
	f := func() *tensor.Tensor { return c.Forward(x, c.Forward(x, h)) } // two steps
	if err := tensor.GradCheck(f, append(c.Params(), x, h), gcEps, gcTol); err != nil {
		t.Error(err)
	}
}

// The GRU's value against the equations, written out by hand for one unit.
func TestGRUValue(t *testing.T) {
	rng := tensor.NewRNG(7)
	c := NewGRUCell(1, 1, rng)
	x, h := 0.7, -0.4
	wi, bi, wh, bh := c.Input.W.Data(), c.Input.B.Data(), c.Hidden.W.Data(), c.Hidden.B.Data()
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	r := sig(x*wi[0] + bi[0] + h*wh[0] + bh[0])
	z := sig(x*wi[1] + bi[1] + h*wh[1] + bh[1])
	n := math.Tanh(x*wi[2] + bi[2] + r*(h*wh[2]+bh[2]))
	want := (1-z)*n + z*h
	got := c.Forward(tensor.New([]float64{x}, 1, 1), tensor.New([]float64{h}, 1, 1)).Item()
	if math.Abs(got-want) > 1e-14 {
		t.Errorf("GRU output %.16g, want %.16g", got, want)
	}
}

// Adam's first step moves every parameter by lr·sign(g) (bias correction
// makes m̂ = g and v̂ = g²); on a quadratic it converges.
func TestAdam(t *testing.T) {
	p := tensor.New([]float64{1, -2, 3}).RequiresGrad()
	opt := NewAdam([]*tensor.Tensor{p}, 0.1)
	p.Square().Sum().Backward()
	opt.Step()
	want := []float64{0.9, -1.9, 2.9}
	for i, v := range p.Data() {
		if math.Abs(v-want[i]) > 1e-6 {
			t.Fatalf("after one step p[%d] = %g, want %g", i, v, want[i])
		}
	}
	for it := 0; it < 500; it++ {
		opt.ZeroGrad()
		p.Square().Sum().Backward()
		opt.Step()
	}
	for i, v := range p.Data() {
		if math.Abs(v) > 0.05 {
			t.Errorf("after 500 steps p[%d] = %g, want |p| < 0.05", i, v)
		}
	}
	if opt.Steps() != 501 {
		t.Errorf("Steps = %d, want 501", opt.Steps())
	}
}

func TestClipGradNorm(t *testing.T) {
	a := tensor.New([]float64{3, 0}).RequiresGrad()
	b := tensor.New([]float64{4}).RequiresGrad()
	a.Sum().MulScalar(0).Add(a.Mul(tensor.New([]float64{1, 0})).Sum()).Add(b.MulScalar(1).Sum()).Backward()
	// Gradients: a → (1, 0), b → (1): norm √2.
	n := ClipGradNorm([]*tensor.Tensor{a, b}, 1)
	if math.Abs(n-math.Sqrt2) > 1e-12 {
		t.Fatalf("norm before clipping %g, want √2", n)
	}
	if got := GradNorm([]*tensor.Tensor{a, b}); math.Abs(got-1) > 1e-5 {
		t.Errorf("norm after clipping %g, want 1", got)
	}
	// Below the bound nothing changes.
	if n := ClipGradNorm([]*tensor.Tensor{a, b}, 10); math.Abs(GradNorm([]*tensor.Tensor{a, b})-n) > 0 {
		t.Errorf("gradient changed below the bound")
	}
}

func TestPlateau(t *testing.T) {
	opt := NewAdam([]*tensor.Tensor{tensor.Zeros(1).RequiresGrad()}, 1e-3)
	s := NewPlateau(opt, 0.5, 2)
	losses := []float64{1, 0.9, 0.9, 0.9, 0.9, 0.95, 0.95, 0.95, 0.1}
	var decays []int
	for i, l := range losses {
		if s.Step(l) {
			decays = append(decays, i)
		}
	}
	// Bad counts: i=2 → 1, 3 → 2, 4 → 3 > 2: decay; then 5, 6, 7 → 3: decay.
	if len(decays) != 2 || decays[0] != 4 || decays[1] != 7 {
		t.Errorf("decays at %v, want [4 7]", decays)
	}
	if math.Abs(opt.LR-2.5e-4) > 1e-15 {
		t.Errorf("LR = %g, want 2.5e-4", opt.LR)
	}
	if s.Best() != 0.1 || s.Decays() != 2 {
		t.Errorf("Best %g Decays %d, want 0.1 and 2", s.Best(), s.Decays())
	}
}

func TestCheckpoint(t *testing.T) {
	rng := tensor.NewRNG(8)
	m := NewMLP([]int{2, 3, 1}, Softplus, InitUniform, rng)
	var buf bytes.Buffer
	if err := SaveParams(&buf, m.Params()); err != nil {
		t.Fatal(err)
	}
	m2 := NewMLP([]int{2, 3, 1}, Softplus, InitUniform, tensor.NewRNG(9))
	if err := LoadParams(bytes.NewReader(buf.Bytes()), m2.Params()); err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params() {
		for j, v := range p.Data() {
			if m2.Params()[i].Data()[j] != v {
				t.Fatalf("param %d element %d: %g after load, want %g", i, j, m2.Params()[i].Data()[j], v)
			}
		}
	}
	// A model of another shape is refused and left unchanged.
	m3 := NewMLP([]int{2, 4, 1}, Softplus, InitUniform, tensor.NewRNG(9))
	before := m3.Params()[0].Data()[0]
	err := LoadParams(bytes.NewReader(buf.Bytes()), m3.Params())
	if err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("loading into a wider model: err = %v, want a shape error", err)
	}
	if m3.Params()[0].Data()[0] != before {
		t.Errorf("failed load changed the model")
	}
	path := filepath.Join(t.TempDir(), "p.json")
	if err := SaveParamsFile(path, m.Params()); err != nil {
		t.Fatal(err)
	}
	if err := LoadParamsFile(path, m2.Params()); err != nil {
		t.Fatal(err)
	}
	if err := LoadParamsFile(filepath.Join(t.TempDir(), "none.json"), m2.Params()); err == nil {
		t.Error("loading a missing file gave no error")
	}
}

func TestParseActivation(t *testing.T) {
	for _, a := range []Activation{Identity, Softplus, ELU, ReLU, Tanh, Sigmoid} {
		got, err := ParseActivation(strings.ToUpper(a.String()))
		if err != nil || got != a {
			t.Errorf("ParseActivation(%q) = %v, %v", a.String(), got, err)
		}
	}
	if _, err := ParseActivation("swish"); err == nil || !strings.Contains(err.Error(), "softplus") {
		t.Errorf("unknown name: err = %v, want a list of names", err)
	}
}

func TestBadSizesPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"linear": func() { NewLinear(0, 3, InitUniform, tensor.NewRNG(1)) },
		"mlp":    func() { NewMLP([]int{3}, ReLU, InitUniform, tensor.NewRNG(1)) },
		"gru":    func() { NewGRUCell(2, 0, tensor.NewRNG(1)) },
		"adam":   func() { NewAdam(nil, 0) },
		"clip":   func() { ClipGradNorm(nil, -1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestFrozen(t *testing.T) {
	rng := tensor.NewRNG(10)
	m := NewMLP([]int{2, 3, 1}, Tanh, InitUniform, rng)
	f := m.Frozen()
	x := tensor.RandN(rng, 4, 2)
	if y := f.Forward(x); y.NeedsGrad() {
		t.Error("frozen output records a gradient")
	}
	m.Layers[0].B.Data()[0] += 1
	a, b := m.Forward(x).Data(), f.Forward(x).Data()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("frozen copy does not follow updates: %g vs %g", b[i], a[i])
		}
	}
}

func TestMatMulT(t *testing.T) {
	rng := tensor.NewRNG(11)
	a := tensor.RandN(rng, 2, 3, 4).RequiresGrad()
	w := tensor.RandN(rng, 5, 4).RequiresGrad()
	got := matMulT(a, w)
	want := a.MatMul(w.T())
	if !equalInts(got.Shape(), want.Shape()) {
		t.Fatalf("matMulT shape %v, want %v", got.Shape(), want.Shape())
	}
	for i, v := range want.Data() {
		if math.Abs(got.Data()[i]-v) > 1e-12 {
			t.Fatalf("matMulT element %d = %g, want %g", i, got.Data()[i], v)
		}
	}
	if err := tensor.GradCheck(func() *tensor.Tensor { return matMulT(a, w) }, []*tensor.Tensor{a, w}, gcEps, gcTol); err != nil {
		t.Error(err)
	}
}

// TestAdamMarshalResumes: an optimizer restored from its state makes the
// same next update as the original.
func TestAdamMarshalResumes(t *testing.T) {
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		m := NewMLP([]int{3, 4, 1}, Tanh, InitUniform, tensor.NewRNG(1)).Convert(dt)
		x := tensor.RandNOf(dt, tensor.NewRNG(2), 5, 3)
		opt := NewAdam(m.Params(), 1e-2)
		step := func(m *MLP, opt *Adam) {
			m.Forward(x).Square().Mean().Backward()
			opt.Step()
			opt.ZeroGrad()
		}
		for range 3 {
			step(m, opt)
		}
		state, err := opt.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		twin := NewMLP([]int{3, 4, 1}, Tanh, InitUniform, tensor.NewRNG(9)).Convert(dt)
		for i, p := range twin.Params() {
			p.SetValues(m.Params()[i].Values())
		}
		twinOpt := NewAdam(twin.Params(), 1e-2)
		if err := twinOpt.UnmarshalBinary(state); err != nil {
			t.Fatal(err)
		}
		step(m, opt)
		step(twin, twinOpt)
		for i, p := range m.Params() {
			a, b := p.Values(), twin.Params()[i].Values()
			for j := range a {
				if a[j] != b[j] {
					t.Fatalf("%v: parameter %d[%d] = %g after the restored step, %g after the original", dt, i, j, b[j], a[j])
				}
			}
		}
		if twinOpt.Steps() != 4 {
			t.Errorf("Steps = %d, want 4", twinOpt.Steps())
		}
		// Float32 moments are written in 4 bytes each; states written
		// before, with 8, are still read, to the same values.
		width, values := 8, 0
		for _, p := range m.Params() {
			values += 2 * p.Size()
		}
		if dt == tensor.Float32 {
			width = 4
			old := binary.LittleEndian.AppendUint64(nil, 3)
			old = binary.LittleEndian.AppendUint32(old, uint32(len(opt.m)))
			for i := range opt.m {
				for _, mom := range []*tensor.Tensor{opt.m[i], opt.v[i]} {
					old = binary.LittleEndian.AppendUint32(old, uint32(mom.Size()))
					for _, v := range mom.Values() {
						old = binary.LittleEndian.AppendUint64(old, math.Float64bits(v))
					}
				}
			}
			back := NewAdam(NewMLP([]int{3, 4, 1}, Tanh, InitUniform, tensor.NewRNG(9)).Convert(dt).Params(), 1e-2)
			if err := back.UnmarshalBinary(old); err != nil {
				t.Fatalf("the float64 form of a float32 state: %v", err)
			}
			for i := range opt.m {
				if !slices.Equal(back.m[i].Data32(), opt.m[i].Data32()) || !slices.Equal(back.v[i].Data32(), opt.v[i].Data32()) {
					t.Fatalf("moment %d read from the float64 form differs", i)
				}
			}
		}
		if want := 12 + 4*2*len(m.Params()) + width*values + map[int]int{4: len(adamState32), 8: 0}[width]; len(state) != want {
			t.Errorf("%v: state of %d bytes, want %d", dt, len(state), want)
		}
		small := NewAdam(NewMLP([]int{3, 2, 1}, Tanh, InitUniform, tensor.NewRNG(1)).Convert(dt).Params(), 1e-2)
		if err := small.UnmarshalBinary(state); err == nil {
			t.Error("state of other sizes: no error")
		}
		if err := twinOpt.UnmarshalBinary(state[:len(state)-3]); err == nil {
			t.Error("truncated state: no error")
		}
	}
}
