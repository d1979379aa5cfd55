package tensor

import (
	"math"
	"slices"
	"sort"
	"testing"
)

// TestPhiloxKnownAnswers checks Philox4x32 against the known-answer
// vectors of Random123 (kat_vectors, philox4x32 with 10 rounds): counter
// and key all zeros, all ones, and the digits of π.
func TestPhiloxKnownAnswers(t *testing.T) {
	for _, c := range []struct {
		ctr  [4]uint32
		key  [2]uint32
		want [4]uint32
	}{
		{[4]uint32{0, 0, 0, 0}, [2]uint32{0, 0}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{[4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
			[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
			[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	} {
		if got := Philox4x32(c.ctr, c.key); got != c.want {
			t.Errorf("Philox4x32(%08x, %08x) = %08x, want %08x", c.ctr, c.key, got, c.want)
		}
	}
	// Block lays the index, stream and seed out as documented.
	p := Philox{Seed: 0x299f31d0a4093822, Stream: 0x0370734413198a2e}
	if got, want := p.Block(0x85a308d3243f6a88), [4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}; got != want {
		t.Errorf("Block = %08x, want %08x", got, want)
	}
}

// TestPhiloxUniforms checks the word-to-uniform map at its ends and that
// the uniforms of a stream are its words in order.
func TestPhiloxUniforms(t *testing.T) {
	if u := philoxU01(0); u != 0x1p-24 {
		t.Errorf("u(0) = %g, want 2⁻²⁴", u)
	}
	if u := philoxU01(math.MaxUint32); u != 1-0x1p-24 {
		t.Errorf("u(2³²−1) = %g, want 1 − 2⁻²⁴", u)
	}
	p := Philox{Seed: 5, Stream: 9}
	u := make([]float32, 11)
	p.FillUniform32(u, 0)
	for i, v := range u {
		if w := philoxU01(p.Block(uint64(i / 4))[i%4]); v != w {
			t.Fatalf("uniform %d = %g, want %g", i, v, w)
		}
	}
}

// TestPhiloxOffsets checks that a fill from any offset is the same part
// of the stream as a fill from 0, for uniforms and normals, over lengths
// that split over goroutines and offsets inside a block.
func TestPhiloxOffsets(t *testing.T) {
	p := Philox{Seed: 1234, Stream: 1 << 40}
	const n = 3*parallelGrain + 13
	for _, fill := range []func([]float32, uint64){p.FillUniform32, p.FillNormal32} {
		all := make([]float32, n)
		fill(all, 0)
		for _, off := range []int{0, 1, 2, 3, 5, 1001, parallelGrain + 3} {
			part := make([]float32, n-off)
			fill(part, uint64(off))
			if !slices.Equal(part, all[off:]) {
				t.Fatalf("fill from %d differs from the fill from 0", off)
			}
		}
	}
	if !slices.Equal(RandNOn(CPU, 1234, 1<<40, 7, n/7).Data32(), func() []float32 {
		z := make([]float32, n/7*7)
		p.FillNormal32(z, 0)
		return z
	}()) {
		t.Fatal("RandNOn on the CPU is not Philox.FillNormal32")
	}
}

// TestPhiloxBoxMuller checks the normals of one block against the
// Box–Muller formula written out.
func TestPhiloxBoxMuller(t *testing.T) {
	p := Philox{Seed: 77, Stream: 3}
	z := make([]float32, 8)
	p.FillNormal32(z, 0)
	for i := range z {
		w := p.Block(uint64(i / 4))
		h := i % 4 / 2
		u1, u2 := float64(philoxU01(w[2*h])), float64(philoxU01(w[2*h+1]))
		r := math.Sqrt(-2 * math.Log(u1))
		want := r * math.Cos(2*math.Pi*u2)
		if i%2 == 1 {
			want = r * math.Sin(2*math.Pi*u2)
		}
		if float32(want) != z[i] {
			t.Errorf("normal %d = %g, want %g", i, z[i], want)
		}
	}
}

// statDraws is the number of draws of the statistical checks.
const statDraws = 1 << 20

// checkNormalStats checks that z looks like standard normal draws: the
// sample mean, variance, skewness and excess kurtosis lie within 5
// standard errors of 0, 1, 0 and 0 (1/√n, √(2/n), √(6/n) and √(24/n) for
// normal draws: a fixed stream fails a 5σ bound by chance with probability
// below 10⁻⁶ each), and the Kolmogorov–Smirnov distance to the normal CDF
// is below the 10⁻³-level critical value √(ln(2/10⁻³)/2)/√n ≈ 1.95/√n.
func checkNormalStats(t *testing.T, z []float32) {
	t.Helper()
	n := float64(len(z))
	var s1 float64
	for _, v := range z {
		s1 += float64(v)
	}
	mean := s1 / n
	var m2, m3, m4 float64
	for _, v := range z {
		d := float64(v) - mean
		d2 := d * d
		m2 += d2
		m3 += d2 * d
		m4 += d2 * d2
	}
	m2, m3, m4 = m2/n, m3/n, m4/n
	skew := m3 / math.Pow(m2, 1.5)
	kurt := m4/(m2*m2) - 3
	for _, c := range []struct {
		name      string
		got, want float64
		se        float64
	}{
		{"mean", mean, 0, 1 / math.Sqrt(n)},
		{"variance", m2, 1, math.Sqrt(2 / n)},
		{"skewness", skew, 0, math.Sqrt(6 / n)},
		{"excess kurtosis", kurt, 0, math.Sqrt(24 / n)},
	} {
		if d := math.Abs(c.got - c.want); !(d <= 5*c.se) {
			t.Errorf("%s = %.5g, want %g ± %.3g (5 standard errors)", c.name, c.got, c.want, 5*c.se)
		}
	}
	sorted := make([]float64, len(z))
	for i, v := range z {
		sorted[i] = float64(v)
	}
	sort.Float64s(sorted)
	var ks float64
	for i, v := range sorted {
		f := 0.5 * math.Erfc(-v/math.Sqrt2)
		ks = max(ks, f-float64(i)/n, float64(i+1)/n-f)
	}
	if crit := math.Sqrt(math.Log(2/1e-3)/2) / math.Sqrt(n); !(ks < crit) {
		t.Errorf("Kolmogorov–Smirnov distance %.4g, want < %.4g (the 10⁻³-level critical value)", ks, crit)
	}
	t.Logf("n = %d: mean %.2e, variance %.5f, skewness %.2e, excess kurtosis %.2e, KS distance %.2e",
		len(z), mean, m2, skew, kurt, ks)
}

// TestRandNOnStatistics checks 2²⁰ host draws of two seeds for the
// moments and the distribution of standard normals.
func TestRandNOnStatistics(t *testing.T) {
	for _, seed := range []uint64{1, 0xdeadbeefcafef00d} {
		checkNormalStats(t, RandNOn(CPU, seed, 0, statDraws).Data32())
	}
}

// TestRandNOnStreamsDiffer checks that different seeds and streams give
// different, uncorrelated draws: the sample correlation of two streams'
// draws lies within 5/√n of 0, and no more than a few draws coincide.
func TestRandNOnStreamsDiffer(t *testing.T) {
	const n = 1 << 16
	base := RandNOn(CPU, 7, 0, n).Data32()
	for _, c := range []struct{ seed, stream uint64 }{{8, 0}, {7, 1}, {7, 1 << 32}, {7 + 1<<32, 0}, {0, 7}} {
		z := RandNOn(CPU, c.seed, c.stream, n).Data32()
		var sxy, sxx, syy float64
		same := 0
		for i := range z {
			x, y := float64(base[i]), float64(z[i])
			sxy += x * y
			sxx += x * x
			syy += y * y
			if base[i] == z[i] {
				same++
			}
		}
		if r := sxy / math.Sqrt(sxx*syy); math.Abs(r) > 5/math.Sqrt(n) || same > 2 {
			t.Errorf("seed %d stream %d: correlation %.3g with seed 7 stream 0 (want |r| ≤ %.3g), %d equal draws",
				c.seed, c.stream, r, 5/math.Sqrt(n), same)
		}
	}
	if !slices.Equal(base, RandNOn(CPU, 7, 0, n).Data32()) {
		t.Error("the same seed and stream gave different draws")
	}
}

// TestRandUOn checks the uniforms' range and mean, their affine map, and
// the panics for bad arguments.
func TestRandUOn(t *testing.T) {
	u := RandUOn(CPU, 3, 4, 0, 1, statDraws).Data32()
	var s float64
	for _, v := range u {
		if !(v > 0 && v < 1) {
			t.Fatalf("uniform %g outside (0, 1)", v)
		}
		s += float64(v)
	}
	if m, se := s/statDraws, math.Sqrt(1.0/12/statDraws); math.Abs(m-0.5) > 5*se {
		t.Errorf("mean %.5g, want 0.5 ± %.3g", m, 5*se)
	}
	v := RandUOn(CPU, 3, 4, -2, 6, 1000).Data32()
	for i, x := range v {
		if want := float32(-2) + float32(8*u[i]); x != want {
			t.Fatalf("uniform %d on [−2, 6) = %g, want %g", i, x, want)
		}
	}
	mustPanic(t, "tensor.RandUOn: lo = 1 > hi = 0", func() { RandUOn(CPU, 1, 0, 1, 0, 3) })
}

// TestRandNOnShapes checks shapes: scalars, empty tensors, and the panic
// for a negative length naming the function and the shape.
func TestRandNOnShapes(t *testing.T) {
	if x := RandNOn(CPU, 1, 2); x.Dims() != 0 || x.Size() != 1 || x.DType() != Float32 {
		t.Errorf("scalar: shape %v, %v", x.Shape(), x.DType())
	}
	if x := RandNOn(CPU, 1, 2, 3, 0); x.Size() != 0 || !slices.Equal(x.Shape(), []int{3, 0}) {
		t.Errorf("empty: shape %v", x.Shape())
	}
	mustPanic(t, "tensor.RandNOn: negative length -1 at axis 1 of shape [2 -1]", func() { RandNOn(CPU, 1, 2, 2, -1) })
	mustPanic(t, "tensor.RandUOn: negative length -4 at axis 0 of shape [-4]", func() { RandUOn(CPU, 1, 2, 0, 1, -4) })
}

func BenchmarkPhiloxNormal(b *testing.B) {
	z := make([]float32, 1<<20)
	b.SetBytes(4 << 20)
	for i := 0; i < b.N; i++ {
		Philox{Seed: 1, Stream: uint64(i)}.FillNormal32(z, 0)
	}
}
