package tensor

import (
	"fmt"
	"math/rand/v2"
)

// RNG is a seeded source of random numbers. The same seed gives the same
// stream on every machine. An RNG is not safe for concurrent use: give each
// goroutine its own (see Split).
type RNG struct {
	r *rand.Rand
}

// NewRNG returns a generator seeded with seed.
func NewRNG(seed uint64) *RNG {
	return &RNG{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Normal returns a standard normal draw.
func (g *RNG) Normal() float64 { return g.r.NormFloat64() }

// Uniform returns a uniform draw in [0, 1).
func (g *RNG) Uniform() float64 { return g.r.Float64() }

// Intn returns a uniform integer in [0, n); it panics if n ≤ 0.
func (g *RNG) Intn(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("tensor.RNG.Intn: n = %d, want n > 0", n))
	}
	return g.r.IntN(n)
}

// Perm returns a uniform random permutation of [0, n).
func (g *RNG) Perm(n int) []int { return g.r.Perm(n) }

// Uint64 returns 64 uniform random bits.
func (g *RNG) Uint64() uint64 { return g.r.Uint64() }

// Split returns a new generator seeded from this one, for a goroutine or a
// sub-task whose stream must not depend on how much others draw.
func (g *RNG) Split() *RNG { return NewRNG(g.r.Uint64()) }

// FillNormal fills dst with standard normal draws.
func (g *RNG) FillNormal(dst []float64) {
	r := g.r
	for i := range dst {
		dst[i] = r.NormFloat64()
	}
}

// FillUniform fills dst with uniform draws in [lo, hi).
func (g *RNG) FillUniform(dst []float64, lo, hi float64) {
	r := g.r
	w := hi - lo
	for i := range dst {
		dst[i] = lo + w*r.Float64()
	}
}

// RandN returns a tensor of standard normal draws.
func RandN(g *RNG, shape ...int) *Tensor {
	t := Zeros(shape...)
	g.FillNormal(t.data)
	return t
}

// RandU returns a tensor of uniform draws in [lo, hi).
func RandU(g *RNG, lo, hi float64, shape ...int) *Tensor {
	if !(lo <= hi) {
		panic(fmt.Sprintf("tensor.RandU: lo = %g > hi = %g", lo, hi))
	}
	t := Zeros(shape...)
	g.FillUniform(t.data, lo, hi)
	return t
}
