package tensor

import (
	binenc "encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// RNG is a seeded source of random numbers: xoshiro256++ (Blackman and
// Vigna 2018) seeded through splitmix64, with normal draws by the
// ziggurat method (Marsaglia and Tsang 2000, in Doornik's 2005 form with
// 128 layers). The same seed gives the same stream on every machine. An RNG
// is not safe for concurrent use: give each goroutine its own (see Split).
type RNG struct {
	s [4]uint64
	r *rand.Rand // integer helpers (IntN, Perm) drawing from s
}

// NewRNG returns a generator seeded with seed.
func NewRNG(seed uint64) *RNG {
	g := &RNG{}
	x := seed
	for i := range g.s {
		x += 0x9e3779b97f4a7c15 // splitmix64
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		g.s[i] = z ^ (z >> 31)
	}
	g.r = rand.New(g)
	return g
}

// Uint64 returns 64 uniform random bits.
func (g *RNG) Uint64() uint64 {
	s := &g.s
	out := bits.RotateLeft64(s[0]+s[3], 23) + s[0]
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return out
}

// Uniform returns a uniform draw in [0, 1).
func (g *RNG) Uniform() float64 { return float64(g.Uint64()>>11) * 0x1p-53 }

// Intn returns a uniform integer in [0, n); it panics if n ≤ 0.
func (g *RNG) Intn(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("tensor.RNG.Intn: n = %d, want n > 0", n))
	}
	return g.r.IntN(n)
}

// Perm returns a uniform random permutation of [0, n).
func (g *RNG) Perm(n int) []int { return g.r.Perm(n) }

// Split returns a new generator seeded from this one, for a goroutine or a
// sub-task whose stream must not depend on how much others draw.
func (g *RNG) Split() *RNG { return NewRNG(g.Uint64()) }

// Ziggurat tables: zigX[i] is the right edge of layer i (zigX[0] the
// pseudo-width of the base layer, zigX[1] = r, zigX[128] = 0) and
// zigRatio[i] = zigX[i+1]/zigX[i], the part of layer i inside the density.
const (
	zigLayers = 128
	zigR      = 3.442619855899
	zigV      = 9.91256303526217e-3
)

var zigX [zigLayers + 1]float64
var zigRatio [zigLayers]float64

func init() {
	f := math.Exp(-0.5 * zigR * zigR)
	zigX[0] = zigV / f
	zigX[1] = zigR
	for i := 2; i < zigLayers; i++ {
		zigX[i] = math.Sqrt(-2 * math.Log(zigV/zigX[i-1]+f))
		f = math.Exp(-0.5 * zigX[i] * zigX[i])
	}
	zigX[zigLayers] = 0
	for i := 0; i < zigLayers; i++ {
		zigRatio[i] = zigX[i+1] / zigX[i]
	}
}

// Normal returns a standard normal draw.
func (g *RNG) Normal() float64 {
	for {
		r := g.Uint64()
		i := r & (zigLayers - 1)
		u := float64(r>>11)*0x1p-52 - 1 // uniform in [−1, 1)
		if math.Abs(u) < zigRatio[i] {
			return u * zigX[i] // inside the layer's rectangle: most draws
		}
		if v, ok := g.normalEdge(i, u); ok {
			return v
		}
	}
}

// normalEdge handles the rare draws outside a layer's rectangle: the tail
// beyond r for the base layer, a wedge test otherwise.
func (g *RNG) normalEdge(i uint64, u float64) (float64, bool) {
	if i == 0 {
		var x, y float64
		for {
			x = math.Log(g.open01()) / zigR
			y = math.Log(g.open01())
			if -2*y >= x*x {
				break
			}
		}
		if u < 0 {
			return x - zigR, true
		}
		return zigR - x, true
	}
	x := u * zigX[i]
	f0 := math.Exp(-0.5 * (zigX[i]*zigX[i] - x*x))
	f1 := math.Exp(-0.5 * (zigX[i+1]*zigX[i+1] - x*x))
	if f1+g.Uniform()*(f0-f1) < 1 {
		return x, true
	}
	return 0, false
}

// open01 returns a uniform draw in (0, 1).
func (g *RNG) open01() float64 { return (float64(g.Uint64()>>11) + 0.5) * 0x1p-53 }

// FillNormal fills dst with standard normal draws. It is Normal in a loop,
// with the generator's state held in registers.
func (g *RNG) FillNormal(dst []float64) { fillNormal(g, dst) }

// FillNormal32 is FillNormal for float32: the same draws as FillNormal,
// rounded.
func (g *RNG) FillNormal32(dst []float32) { fillNormal(g, dst) }

func fillNormal[T float](g *RNG, dst []T) {
	s0, s1, s2, s3 := g.s[0], g.s[1], g.s[2], g.s[3]
	for i := range dst {
		r := bits.RotateLeft64(s0+s3, 23) + s0
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		k := r & (zigLayers - 1)
		u := float64(r>>11)*0x1p-52 - 1
		if math.Abs(u) < zigRatio[k] {
			dst[i] = T(u * zigX[k])
			continue
		}
		g.s = [4]uint64{s0, s1, s2, s3}
		v, ok := g.normalEdge(k, u)
		if !ok {
			v = g.Normal()
		}
		dst[i] = T(v)
		s0, s1, s2, s3 = g.s[0], g.s[1], g.s[2], g.s[3]
	}
	g.s = [4]uint64{s0, s1, s2, s3}
}

// FillUniform fills dst with uniform draws in [lo, hi).
func (g *RNG) FillUniform(dst []float64, lo, hi float64) {
	w := hi - lo
	for i := range dst {
		dst[i] = lo + w*g.Uniform()
	}
}

// FillUniform32 is FillUniform for float32.
func (g *RNG) FillUniform32(dst []float32, lo, hi float64) {
	w := hi - lo
	for i := range dst {
		dst[i] = float32(lo + w*g.Uniform())
	}
}

// RandN returns a float64 tensor of standard normal draws.
func RandN(g *RNG, shape ...int) *Tensor { return RandNOf(Float64, g, shape...) }

// RandNOf returns a tensor of the given dtype of standard normal draws; the
// draws are those of RandN with the same generator state, rounded.
func RandNOf(dt DType, g *RNG, shape ...int) *Tensor {
	t := ZerosOf(dt, shape...)
	fillNormal(g, t.data)
	fillNormal(g, t.data32)
	return t
}

// RandU returns a float64 tensor of uniform draws in [lo, hi).
func RandU(g *RNG, lo, hi float64, shape ...int) *Tensor {
	return RandUOf(Float64, g, lo, hi, shape...)
}

// RandUOf returns a tensor of the given dtype of uniform draws in [lo, hi).
func RandUOf(dt DType, g *RNG, lo, hi float64, shape ...int) *Tensor {
	if !(lo <= hi) {
		panic(fmt.Sprintf("tensor.RandU: lo = %g > hi = %g", lo, hi))
	}
	t := ZerosOf(dt, shape...)
	g.FillUniform(t.data, lo, hi)
	g.FillUniform32(t.data32, lo, hi)
	return t
}

// MarshalBinary returns the generator's state (32 bytes), so that a
// checkpoint can resume the same stream.
func (g *RNG) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 32)
	for _, s := range g.s {
		b = binenc.LittleEndian.AppendUint64(b, s)
	}
	return b, nil
}

// UnmarshalBinary restores a state written by MarshalBinary.
func (g *RNG) UnmarshalBinary(b []byte) error {
	if len(b) != 32 {
		return fmt.Errorf("tensor.RNG.UnmarshalBinary: %d bytes, want 32", len(b))
	}
	var s [4]uint64
	for i := range s {
		s[i] = binenc.LittleEndian.Uint64(b[8*i:])
	}
	if s == [4]uint64{} {
		return errors.New("tensor.RNG.UnmarshalBinary: the all-zero state is not a valid generator state")
	}
	g.s = s
	g.r = rand.New(g)
	return nil
}
