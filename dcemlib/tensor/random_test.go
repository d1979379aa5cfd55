package tensor

import (
	"math"
	"sort"
	"testing"
)

// TestNormalDistribution checks 10⁶ ziggurat draws against the standard
// normal: the first four moments within 5 standard errors, the
// Kolmogorov–Smirnov distance below its 0.1% critical value 1.95/√n, and
// the tail beyond the ziggurat's base (|x| > 3.4426) at its expected
// frequency.
func TestNormalDistribution(t *testing.T) {
	const n = 1000000
	x := make([]float64, n)
	NewRNG(42).FillNormal(x)
	var m1, m2, m3, m4 float64
	tail := 0
	for _, v := range x {
		m1 += v
		m2 += v * v
		m3 += v * v * v
		m4 += v * v * v * v
		if math.Abs(v) > zigR {
			tail++
		}
	}
	m1, m2, m3, m4 = m1/n, m2/n, m3/n, m4/n
	se := 1 / math.Sqrt(n)
	if math.Abs(m1) > 5*se || math.Abs(m2-1) > 5*math.Sqrt(2)*se ||
		math.Abs(m3) > 5*math.Sqrt(15)*se || math.Abs(m4-3) > 5*math.Sqrt(96)*se {
		t.Errorf("moments: mean %g, E x² %g, E x³ %g, E x⁴ %g", m1, m2, m3, m4)
	}
	p := math.Erfc(zigR / math.Sqrt2)
	if d := math.Abs(float64(tail)/n - p); d > 5*math.Sqrt(p*(1-p)/n) {
		t.Errorf("tail frequency %g, want %g", float64(tail)/n, p)
	}
	sort.Float64s(x)
	ks := 0.0
	for i, v := range x {
		c := 0.5 * math.Erfc(-v/math.Sqrt2)
		ks = math.Max(ks, math.Max(math.Abs(c-float64(i)/n), math.Abs(c-float64(i+1)/n)))
	}
	if ks > 1.95/math.Sqrt(n) {
		t.Errorf("Kolmogorov–Smirnov distance %g > %g", ks, 1.95/math.Sqrt(n))
	}
	// Normal and FillNormal agree on the stream.
	a, b := NewRNG(5), NewRNG(5)
	buf := make([]float64, 1000)
	a.FillNormal(buf)
	for i, v := range buf {
		if w := b.Normal(); w != v {
			t.Fatalf("draw %d: FillNormal %g, Normal %g", i, v, w)
		}
	}
}

func TestUniformAndInts(t *testing.T) {
	g := NewRNG(3)
	const n = 200000
	s := 0.0
	for i := 0; i < n; i++ {
		u := g.Uniform()
		if u < 0 || u >= 1 {
			t.Fatalf("uniform %g", u)
		}
		s += u
	}
	if math.Abs(s/n-0.5) > 5*math.Sqrt(1.0/12/n) {
		t.Errorf("uniform mean %g", s/n)
	}
	counts := make([]int, 7)
	for i := 0; i < 70000; i++ {
		counts[g.Intn(7)]++
	}
	for k, c := range counts {
		if math.Abs(float64(c)-10000) > 5*math.Sqrt(10000) {
			t.Errorf("Intn(7) gave %d %d times", k, c)
		}
	}
	p := g.Perm(10)
	sort.Ints(p)
	for i, v := range p {
		if v != i {
			t.Fatalf("Perm: %v", p)
		}
	}
}

func BenchmarkFillNormal(b *testing.B) {
	g := NewRNG(1)
	x := make([]float64, 1<<16)
	b.SetBytes(8 << 16)
	for i := 0; i < b.N; i++ {
		g.FillNormal(x)
	}
}

func TestRNGMarshalResumesStream(t *testing.T) {
	g := NewRNG(42)
	for range 10 {
		g.Normal()
	}
	state, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{g.Normal(), g.Uniform(), float64(g.Intn(1000))}
	h := NewRNG(1)
	if err := h.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	got := []float64{h.Normal(), h.Uniform(), float64(h.Intn(1000))}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("draw %d after restoring: %g, want %g", i, got[i], want[i])
		}
	}
	if err := h.UnmarshalBinary(state[:31]); err == nil {
		t.Error("31 bytes: no error")
	}
	if err := h.UnmarshalBinary(make([]byte, 32)); err == nil {
		t.Error("all-zero state: no error")
	}
}
