package lml

import (
	"math"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Known values (float64, τ = 1, eps 1e-4): x = linspace(−1, 1, 10), k = 3.
// They were computed with a tolerance of 1e-4 on ν, so they hold to
// max yᵢ(1−yᵢ)·1e-4 ≤ 2.5e-5; our root is far tighter (checked against the
// exact ν below).
var (
	knownY  = []float64{0.127082, 0.153841, 0.185040, 0.220915, 0.261513, 0.306635, 0.355792, 0.408190, 0.462761, 0.518239}
	knownDx = []float64{0.128239, 0.121555, 0.107305, 0.084222, 0.051588, 0.009547, -0.040643, -0.096518, -0.154579, -0.210716}
)

const knownNu = -0.9270137

func TestKnownValues(t *testing.T) {
	x := tensor.Linspace(-1, 1, 10).RequiresGrad()
	y, err := Project(x, 3, 1, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range knownY {
		if got := y.Data()[i]; math.Abs(got-want) > 2.5e-5 {
			t.Errorf("y[%d] = %.7f, want %.6f", i, got, want)
		}
	}
	y.BackwardWith(tensor.Linspace(1, -1, 10))
	for i, want := range knownDx {
		if got := x.Grad().Data()[i]; math.Abs(got-want) > 2.5e-5 {
			t.Errorf("dx[%d] = %.7f, want %.6f", i, got, want)
		}
	}
	nus, _ := Forward(make([]float64, 10), tensor.Linspace(-1, 1, 10).Data(), 1, 10, 3, 1, 1e-4)
	if math.Abs(nus[0]-knownNu) > 1e-6 {
		t.Errorf("ν = %.7f, want %.7f", nus[0], knownNu)
	}
}

func TestSumsToK(t *testing.T) {
	g := tensor.NewRNG(1)
	for _, tau := range []float64{100, 1, 0.1, 1e-3} {
		for _, k := range []int{1, 5, 49} {
			x := tensor.RandN(g, 8, 50).MulScalar(3)
			y, err := Project(x, k, tau, 1e-9)
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < 8; r++ {
				s := 0.0
				for _, v := range y.Data()[r*50 : (r+1)*50] {
					if !(v >= 0 && v <= 1) {
						t.Fatalf("τ=%g k=%d: entry %g outside [0, 1]", tau, k, v)
					}
					s += v
				}
				if math.Abs(s-float64(k)) > 1e-6 {
					t.Errorf("τ=%g k=%d row %d: Σy = %.9f", tau, k, r, s)
				}
			}
		}
	}
}

func TestGradient(t *testing.T) {
	g := tensor.NewRNG(2)
	for _, tau := range []float64{2, 1, 0.3} {
		x := tensor.RandN(g, 3, 7).RequiresGrad()
		f := func() *tensor.Tensor {
			y, err := Project(x, 2, tau, 1e-12)
			if err != nil {
				t.Fatal(err)
			}
			return y
		}
		if err := tensor.GradCheck(f, []*tensor.Tensor{x}, 1e-6, 1e-6); err != nil {
			t.Errorf("τ = %g: %v", tau, err)
		}
	}
}

// TestHardLimit checks prop. 2: as τ → 0 the projection approaches the
// indicator of the top k entries.
func TestHardLimit(t *testing.T) {
	x := tensor.New([]float64{0.3, -1.2, 2.5, 0.9, 0.1, 1.7, -0.4})
	idx := []int{0, 1, 2, 3, 4, 5, 6}
	sort.Slice(idx, func(i, j int) bool { return x.Data()[idx[i]] > x.Data()[idx[j]] })
	hard := make([]float64, 7)
	for _, i := range idx[:3] {
		hard[i] = 1
	}
	prev := math.Inf(1)
	for _, tau := range []float64{1, 0.1, 0.01, 0.001} {
		y, err := Project(x, 3, tau, 1e-10)
		if err != nil {
			t.Fatal(err)
		}
		d := 0.0
		for i, v := range y.Data() {
			d = math.Max(d, math.Abs(v-hard[i]))
		}
		if d >= prev {
			t.Errorf("τ = %g: distance to hard top-k %g did not shrink (was %g)", tau, d, prev)
		}
		prev = d
	}
	if prev > 1e-6 {
		t.Errorf("τ = 0.001: distance to hard top-k %g, want < 1e-6", prev)
	}
}

func TestSaturatedAndDegenerate(t *testing.T) {
	// Fully saturated row: zero gradient, not NaN.
	x := tensor.New([]float64{1000, -1000, 1000, -1000}).RequiresGrad()
	y, err := Project(x, 2, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 0, 1, 0}
	for i, v := range y.Data() {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Fatalf("saturated y = %v", y.Data())
		}
	}
	y.BackwardWith(tensor.New([]float64{1, 2, 3, 4}))
	for _, v := range x.Grad().Data() {
		if v != 0 {
			t.Fatalf("saturated gradient %v, want zeros", x.Grad().Data())
		}
	}
	// n ≤ k: all ones and zero gradient.
	x2 := tensor.New([]float64{0.5, -2}).RequiresGrad()
	y2, err := Project(x2, 3, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if y2.Data()[0] != 1 || y2.Data()[1] != 1 {
		t.Fatalf("n ≤ k: y = %v", y2.Data())
	}
	y2.BackwardWith(tensor.New([]float64{1, 1}))
	if x2.Grad().Data()[0] != 0 || x2.Grad().Data()[1] != 0 {
		t.Fatalf("n ≤ k gradient %v", x2.Grad().Data())
	}
	// Equal entries: y = k/n exactly.
	y3, _ := Project(tensor.Full(0.7, 5), 2, 1, 0)
	for _, v := range y3.Data() {
		if math.Abs(v-0.4) > 1e-12 {
			t.Fatalf("equal entries: %v", y3.Data())
		}
	}
	// Huge spread where every point of a 10-point grid would be saturated.
	x4 := tensor.New([]float64{1e300, -1e300, 5, 4, 3})
	y4, err := Project(x4, 2, 1, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	if s := y4.Data()[0] + y4.Data()[1] + y4.Data()[2] + y4.Data()[3] + y4.Data()[4]; math.Abs(s-2) > 1e-6 || y4.Data()[0] != 1 {
		t.Fatalf("huge spread: %v", y4.Data())
	}
}

func TestErrors(t *testing.T) {
	x := tensor.Linspace(-1, 1, 5)
	cases := []struct {
		k        int
		tau, eps float64
		x        *tensor.Tensor
		want     string
	}{
		{0, 1, 0, x, "k = 0"},
		{2, 0, 0, x, "tau = 0"},
		{2, -1, 0, x, "tau = -1"},
		{2, math.NaN(), 0, x, "tau = NaN"},
		{2, 1, -1, x, "eps = -1"},
		{2, 1, 0, tensor.New([]float64{1, math.NaN(), 2}), "entry 1 is NaN"},
		{2, 1, 0, tensor.New([]float64{1, 2, math.Inf(1)}), "entry 2 is +Inf"},
		{2, 1e-320, 0, tensor.New([]float64{1, 2, 3}), "overflows"},
		{2, 1, 0, tensor.Scalar(1), "scalar"},
	}
	for _, c := range cases {
		_, err := Project(c.x, c.k, c.tau, c.eps)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("k=%d τ=%g eps=%g: error %v, want one containing %q", c.k, c.tau, c.eps, err, c.want)
		}
	}
}

// TestFloat32 checks the float32 projection against the float64 one on the
// same (rounded) inputs: the root search runs in float64 either way, so the
// results differ by the rounding of the inputs (|Δz| ≤ 6e-8·|x|/τ moves y by
// at most a quarter of it) and of the outputs: 1e-5 holds with room to
// spare. The gradient gets the same bound, relative to its scale.
func TestFloat32(t *testing.T) {
	g := tensor.NewRNG(3)
	for _, tau := range []float64{1, 0.1} {
		x64 := tensor.RandN(g, 64, 100).MulScalar(2).Float32().Float64().RequiresGrad()
		x32 := x64.Detach().Float32().RequiresGrad()
		seed := tensor.RandN(g, 64, 100)
		y64, err := Project(x64, 10, tau, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		y32, err := Project(x32, 10, tau, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		if y32.DType() != tensor.Float32 {
			t.Fatalf("τ = %g: result dtype %v, want float32", tau, y32.DType())
		}
		for i, v := range y32.Values() {
			if d := math.Abs(v - y64.Data()[i]); d > 1e-5 {
				t.Fatalf("τ = %g: y[%d] float32 %g, float64 %g (|Δ| = %g > 1e-5)", tau, i, v, y64.Data()[i], d)
			}
		}
		y64.BackwardWith(seed)
		y32.BackwardWith(seed.Float32())
		scale := 0.0
		for _, v := range x64.Grad().Data() {
			scale = math.Max(scale, math.Abs(v))
		}
		for i, v := range x32.Grad().Values() {
			if d := math.Abs(v - x64.Grad().Data()[i]); d > 1e-5*math.Max(1, scale) {
				t.Fatalf("τ = %g: dx[%d] float32 %g, float64 %g (|Δ| = %g)", tau, i, v, x64.Grad().Data()[i], d)
			}
		}
		// The slice kernels agree with Project.
		y := make([]float32, 6400)
		nus, err := Forward32(y, x32.Data32(), 64, 100, 10, tau, 1e-6)
		if err != nil || len(nus) != 64 {
			t.Fatalf("Forward32: %d roots, %v", len(nus), err)
		}
		for i, v := range y {
			if v != y32.Data32()[i] {
				t.Fatalf("Forward32 y[%d] = %g, Project %g", i, v, y32.Data32()[i])
			}
		}
	}
	if _, err := Project(tensor.New32([]float32{1, float32(math.NaN()), 2}), 1, 1, 0); err == nil || !strings.Contains(err.Error(), "entry 1 is NaN") {
		t.Errorf("float32 NaN: error %v", err)
	}
}

// TestThreads: a batch large enough to be split over goroutines projects
// bit for bit as on one thread, forward and backward, and an error names
// the first bad row whatever the split.
func TestThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	x := tensor.RandN(tensor.NewRNG(4), 200, 300) // 60 000 entries
	seed := tensor.RandN(tensor.NewRNG(5), 200, 300)
	var ref []float64
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		xv := x.Clone().RequiresGrad()
		y, err := Project(xv, 10, 0.5, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		y.BackwardWith(seed)
		got := append(y.Values(), xv.Grad().Values()...)
		if ref == nil {
			ref = got
			continue
		}
		for i := range got {
			if got[i] != ref[i] {
				t.Fatalf("%d threads: value %d = %g, 1 thread %g", procs, i, got[i], ref[i])
			}
		}
		bad := x.Clone()
		bad.Data()[150*300+7] = math.NaN()
		bad.Data()[180*300+1] = math.Inf(1)
		if _, err := Project(bad, 10, 0.5, 0); err == nil || !strings.Contains(err.Error(), "row 150: entry 7 is NaN") {
			t.Errorf("%d threads: error %v", procs, err)
		}
	}
}
