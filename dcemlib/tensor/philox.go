package tensor

import (
	"fmt"
	"math"
)

// Philox-4×32-10 constants (Salmon, Moraes, Dror and Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC 2011): the multipliers of the two
// multiply-hi-lo halves of a round and the Weyl increments of the key
// schedule.
const (
	philoxM0 = 0xD2511F53
	philoxM1 = 0xCD9E8D57
	philoxW0 = 0x9E3779B9
	philoxW1 = 0xBB67AE85
)

// Philox4x32 returns the Philox-4×32-10 block of counter ctr under key key:
// ten rounds of two 32×32→64-bit multiplications whose high halves are
// mixed with the other counter words and the key, the key bumped by the
// Weyl constants between rounds (Salmon et al. 2011). It is a bijection of
// the counter for each key and passes BigCrush; the same function runs as
// the device kernel behind RandNOn and RandUOn.
func Philox4x32(ctr [4]uint32, key [2]uint32) [4]uint32 {
	c0, c1, c2, c3 := ctr[0], ctr[1], ctr[2], ctr[3]
	k0, k1 := key[0], key[1]
	for r := 0; r < 10; r++ {
		if r > 0 {
			k0 += philoxW0
			k1 += philoxW1
		}
		p0 := uint64(philoxM0) * uint64(c0)
		p1 := uint64(philoxM1) * uint64(c2)
		c0, c1, c2, c3 = uint32(p1>>32)^c1^k0, uint32(p1), uint32(p0>>32)^c3^k1, uint32(p0)
	}
	return [4]uint32{c0, c1, c2, c3}
}

// Philox is a counter-based generator: Philox-4×32-10 keyed by Seed, whose
// counter holds a block index and Stream. Element i of the stream (Seed,
// Stream) is word i mod 4 of Block(i/4), a pure function of (Seed, Stream,
// i): there is no state to advance, so any part of a stream can be drawn
// alone, in any order and in parallel, and a device draws the same numbers
// as the host (RandNOn, RandUOn). Different seeds and different streams
// give unrelated sequences. It is not the stream of RNG (xoshiro256++ with
// ziggurat normals, a sequential generator), so the same seed gives
// different numbers there.
type Philox struct {
	Seed   uint64 // the key
	Stream uint64 // the upper half of the counter
}

// Block returns the four 32-bit words of block i of the stream:
// Philox4x32 of the counter (i mod 2³², i / 2³², Stream mod 2³²,
// Stream / 2³²) under the key (Seed mod 2³², Seed / 2³²).
func (p Philox) Block(i uint64) [4]uint32 {
	return Philox4x32([4]uint32{uint32(i), uint32(i >> 32), uint32(p.Stream), uint32(p.Stream >> 32)},
		[2]uint32{uint32(p.Seed), uint32(p.Seed >> 32)})
}

// philoxU01 maps a 32-bit word to a uniform float32 in the open interval
// (0, 1): the midpoints (2⌊x/2⁹⌋ + 1)/2²⁴ of 2²³ equal bins, exact in
// float32 (so the device computes the same bits), never 0 (so log is
// finite) and symmetric about ½.
func philoxU01(x uint32) float32 { return float32(x>>8|1) * 0x1p-24 }

// FillUniform32 fills dst with elements off, off+1, … of the stream as
// uniform draws in the open interval (0, 1): each 32-bit word x becomes
// (2⌊x/2⁹⌋ + 1)/2²⁴, the midpoint of one of 2²³ equal bins. Large fills
// split over GOMAXPROCS goroutines; the values do not depend on how.
func (p Philox) FillUniform32(dst []float32, off uint64) {
	parallelSlices(len(dst), func(lo, hi int) {
		for i := lo; i < hi; {
			e := off + uint64(i)
			w := p.Block(e / 4)
			for q := e % 4; q < 4 && i < hi; q++ {
				dst[i] = philoxU01(w[q])
				i++
			}
		}
	})
}

// FillNormal32 fills dst with elements off, off+1, … of the stream as
// standard normal draws by the Box–Muller transform: the words (a, b) and
// (c, d) of each block become uniforms u₁, u₂ in (0, 1) as in
// FillUniform32, and elements 4j … 4j+3 are r·cos 2πu₂, r·sin 2πu₂ with
// r = √(−2 ln u₁) from (a, b), then the same from (c, d). The transform
// runs in float64 and the result is rounded; the device computes it in
// float32, within a few units in the last place. Draws are bounded by
// √(48 ln 2) ≈ 5.77 in absolute value (u₁ ≥ 2⁻²⁴). Large fills split over
// GOMAXPROCS goroutines; the values do not depend on how.
func (p Philox) FillNormal32(dst []float32, off uint64) {
	parallelSlices(len(dst), func(lo, hi int) {
		for i := lo; i < hi; {
			e := off + uint64(i)
			w := p.Block(e / 4)
			var z [4]float32
			boxMuller(&z, w)
			for q := e % 4; q < 4 && i < hi; q++ {
				dst[i] = z[q]
				i++
			}
		}
	})
}

// boxMuller writes the four normals of block w into z.
func boxMuller(z *[4]float32, w [4]uint32) {
	for h := 0; h < 2; h++ {
		u1, u2 := philoxU01(w[2*h]), philoxU01(w[2*h+1])
		r := math.Sqrt(-2 * math.Log(float64(u1)))
		s, c := math.Sincos(2 * math.Pi * float64(u2))
		z[2*h], z[2*h+1] = float32(r*c), float32(r*s)
	}
}

// RandNOn returns a float32 tensor of standard normal draws on dev, made
// there: element i (row-major) is element i of the counter-based stream
// Philox{Seed: seed, Stream: stream} (see Philox.FillNormal32). The same
// (seed, stream, shape) gives the same numbers on every device, the host
// included, up to the rounding of the device's float32 log, sqrt, sin and
// cos (a few units in the last place; the underlying uniforms are
// bit-identical). On an OpenCL device a kernel draws them, one work item
// per four elements, with no transfer from the host. This is a different
// generator from RNG's (RandN, RandNOf): RNG is sequential, with a varying
// number of draws per normal, so it cannot run in parallel; a counter-based
// generator computes each element from its index. Use a different stream
// (or seed) for each independent draw, such as each iteration of a solver;
// RandUOn with the same seed and stream reads the same words.
func RandNOn(dev Device, seed, stream uint64, shape ...int) *Tensor {
	n := checkShape("RandNOn", shape)
	if dev.b == nil {
		t := ZerosOf(Float32, shape...)
		Philox{Seed: seed, Stream: stream}.FillNormal32(t.data32, 0)
		return t
	}
	return devPhilox(dev, "RandNOn", "philox_normal", seed, stream, shape, n, 0, 1)
}

// RandUOn returns a float32 tensor of uniform draws in [lo, hi] on dev,
// made there: element i is lo + (hi−lo)·uᵢ with uᵢ element i of the
// counter-based stream Philox{Seed: seed, Stream: stream} as uniforms in
// (0, 1) (see Philox.FillUniform32), in float32 (rounding can reach lo or
// hi). For lo = 0 and hi = 1 the values are the same bits on every device;
// otherwise they agree to a unit in the last place of max(|lo|, |hi|) (a
// device may round lo + (hi−lo)·uᵢ once, the host rounds twice). See
// RandNOn for how this generator differs from RNG's. It panics unless
// lo ≤ hi.
func RandUOn(dev Device, seed, stream uint64, lo, hi float64, shape ...int) *Tensor {
	if !(lo <= hi) {
		panic(fmt.Sprintf("tensor.RandUOn: lo = %g > hi = %g, want lo ≤ hi", lo, hi))
	}
	n := checkShape("RandUOn", shape)
	if dev.b == nil {
		t := ZerosOf(Float32, shape...)
		Philox{Seed: seed, Stream: stream}.FillUniform32(t.data32, 0)
		if lo != 0 || hi != 1 {
			l, w := float32(lo), float32(hi-lo)
			for i, u := range t.data32 {
				t.data32[i] = l + float32(w*u)
			}
		}
		return t
	}
	return devPhilox(dev, "RandUOn", "philox_uniform", seed, stream, shape, n, lo, hi)
}

// devPhilox runs the Philox kernel that fills the n elements of a tensor
// of the given shape on dev for the function fn.
func devPhilox(dev Device, fn, kernel string, seed, stream uint64, shape []int, n int, lo, hi float64) *Tensor {
	if n >= 1<<31 {
		panic(fmt.Sprintf("tensor.%s: shape %v has %d elements; a device tensor holds fewer than 2³¹", fn, shape, n))
	}
	m := dev.b.alloc(n, false)
	ints := []int{n, int(uint32(seed)), int(uint32(seed >> 32)), int(uint32(stream)), int(uint32(stream >> 32))}
	dev.b.kernel(kernel, (n+3)/4, 0, []devMem{m}, ints, []float32{float32(lo), float32(hi - lo)})
	return devResult(m, shape)
}
