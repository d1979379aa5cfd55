// Package lml implements the Limited Multi-Label projection (LML; Amos,
// Koltun and Kolter 2019) with a temperature, the soft top-k operation at the
// heart of the differentiable cross-entropy method (DCEM paper, eq. 4):
//
//	Π_k(x/τ) = argmin_{0<y<1, 1ᵀy=k} −xᵀy/τ − H_b(y),
//
// row-wise over a batch, where H_b is the binary entropy. The solution is
// y = σ(x/τ + ν) with ν the unique root of g(ν) = Σᵢ σ(xᵢ/τ + ν) − k. As
// τ → 0 the projection approaches the indicator of the k largest entries
// (DCEM paper, prop. 2).
//
// The forward pass finds ν by a safeguarded Newton method in a bracket that
// provably holds the root; each iteration costs one exponential per row plus
// a division per entry, because the exponentials of the entries are computed
// once. The backward pass uses implicit differentiation of the optimality
// conditions: with h = y ⊙ (1 − y),
//
//	∂ℓ/∂x = h ⊙ (g − (hᵀg)/(1ᵀh)) / τ.
package lml

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// DefaultEps is the tolerance on ν used by Project when eps is 0.
const DefaultEps = 1e-4

// maxIter bounds the root search; bisection alone meets any eps ≥ 1e-12 on
// brackets up to 1e300 wide within it.
const maxIter = 1100

// float is the element types of the tensors the projection works on.
type float interface{ ~float32 | ~float64 }

// Project returns Π_k(x/τ) over the last axis of x: every row of the result
// lies in (0, 1) and sums to k. The result has x's dtype and records its
// gradient (implicit differentiation) when x needs one. eps is the
// tolerance on the root ν (0 means DefaultEps). A row with n ≤ k entries
// projects to all ones with a zero gradient.
//
// Float32 inputs give float32 results; the root search itself runs in
// float64 on the float32 values, so the result is the float64 projection
// of the same values, rounded. For x on an OpenCL device (see tensor.Device)
// the projection and its gradient run there, one row per work item, by the
// same search (in double precision where the device has it).
//
// It returns an error if k < 1, tau ≤ 0, eps < 0, x has no axes, or x holds
// NaN or ±Inf.
func Project(x *tensor.Tensor, k int, tau, eps float64) (*tensor.Tensor, error) {
	if x.Dims() == 0 {
		return nil, errors.New("lml.Project: x is a scalar; want at least one axis")
	}
	if x.OnDevice() {
		if err := CheckArgs(k, tau, eps); err != nil {
			return nil, fmt.Errorf("lml.Project: %w", err)
		}
		if eps == 0 {
			eps = DefaultEps
		}
		y, err := tensor.LMLOnDevice(x, k, tau, eps)
		if err != nil {
			return nil, fmt.Errorf("lml.Project: %w", err)
		}
		return y, nil
	}
	if x.DType() == tensor.Float32 {
		return project(x, x.Data32(), k, tau, eps, tensor.NewOp32)
	}
	return project(x, x.Data(), k, tau, eps, tensor.NewOp)
}

// project is Project on the values xd of x, recorded by newOp (tensor.NewOp
// or tensor.NewOp32).
func project[T float, F ~func([]T, [][]T)](x *tensor.Tensor, xd []T, k int, tau, eps float64,
	newOp func(string, []T, []int, []*tensor.Tensor, F) *tensor.Tensor) (*tensor.Tensor, error) {
	n := x.Dim(-1)
	rows := 0
	if n > 0 {
		rows = len(xd) / n
	}
	y := make([]T, len(xd))
	if err := forward(y, xd, nil, rows, n, k, tau, eps); err != nil {
		return nil, fmt.Errorf("lml.Project: %w", err)
	}
	return newOp("LML", y, x.Shape(), []*tensor.Tensor{x}, func(g []T, grads [][]T) {
		backward(grads[0], y, g, rows, n, tau)
	}), nil
}

// CheckArgs validates the parameters of a projection.
func CheckArgs(k int, tau, eps float64) error {
	switch {
	case k < 1:
		return fmt.Errorf("k = %d, want k ≥ 1", k)
	case !(tau > 0) || math.IsInf(tau, 1):
		return fmt.Errorf("tau = %g, want 0 < tau < +Inf", tau)
	case !(eps >= 0) || math.IsInf(eps, 1):
		return fmt.Errorf("eps = %g, want eps ≥ 0 (0 for the default %g)", eps, DefaultEps)
	}
	return nil
}

// Forward writes Π_k(x/τ) of each of the rows×n row-major rows of x into y
// and returns the roots ν (+Inf for rows with n ≤ k). It is the slice-level
// kernel behind Project, for fused operations that call it directly. It
// returns an error for bad parameters or non-finite entries, naming the row.
func Forward(y, x []float64, rows, n, k int, tau, eps float64) ([]float64, error) {
	nus := make([]float64, max(rows, 0))
	if err := forward(y, x, nus, rows, n, k, tau, eps); err != nil {
		return nil, err
	}
	return nus, nil
}

// Forward32 is Forward for float32 rows (the root search runs in float64).
func Forward32(y, x []float32, rows, n, k int, tau, eps float64) ([]float64, error) {
	nus := make([]float64, max(rows, 0))
	if err := forward(y, x, nus, rows, n, k, tau, eps); err != nil {
		return nil, err
	}
	return nus, nil
}

// solvers recycles the per-row scratch space of the root search.
var solvers = sync.Pool{New: func() any { return new(solver) }}

// forward is the kernel of Forward; nus, if not nil, receives the roots.
func forward[T float](y, x []T, nus []float64, rows, n, k int, tau, eps float64) error {
	if err := CheckArgs(k, tau, eps); err != nil {
		return err
	}
	if eps == 0 {
		eps = DefaultEps
	}
	if len(x) < rows*n || len(y) < rows*n {
		return fmt.Errorf("buffers of %d and %d values for %d rows of %d", len(x), len(y), rows, n)
	}
	// Rows are independent: large batches are split over goroutines, each
	// reporting its first failing row; the lowest one is returned.
	errs := make([]error, rowChunks(rows, n))
	forChunks(rows, len(errs), func(c, lo, hi int) {
		s := solvers.Get().(*solver)
		defer solvers.Put(s)
		for r := lo; r < hi; r++ {
			xr, yr := x[r*n:(r+1)*n], y[r*n:(r+1)*n]
			nu, err := solve(s, yr, xr, k, tau, eps)
			if err != nil {
				errs[c] = fmt.Errorf("row %d: %w", r, err)
				return
			}
			if nus != nil {
				nus[r] = nu
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// parallelMin is the number of entries a projection must have before its
// rows are split over goroutines.
const parallelMin = 1 << 15

// rowChunks returns how many chunks to split rows of n entries into: one
// per thread (GOMAXPROCS) for large batches, else one.
func rowChunks(rows, n int) int {
	if rows*n < parallelMin {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), rows))
}

// forChunks calls f(c, lo, hi) for chunks c of [0, rows), on goroutines
// when there is more than one chunk.
func forChunks(rows, chunks int, f func(c, lo, hi int)) {
	if chunks <= 1 {
		f(0, 0, rows)
		return
	}
	var wg sync.WaitGroup
	for c := 1; c < chunks; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(c, c*rows/chunks, (c+1)*rows/chunks)
		}()
	}
	f(0, 0, rows/chunks)
	wg.Wait()
}

// Backward adds the gradient with respect to x of a projection y = Π_k(x/τ)
// into dx, given the gradient g with respect to y (implicit
// differentiation). Fully saturated rows (every yᵢ ∈ {0, 1}) get zero.
func Backward(dx, y, g []float64, rows, n int, tau float64) { backward(dx, y, g, rows, n, tau) }

// Backward32 is Backward for float32 rows; the row sums are accumulated in
// float64.
func Backward32(dx, y, g []float32, rows, n int, tau float64) { backward(dx, y, g, rows, n, tau) }

func backward[T float](dx, y, g []T, rows, n int, tau float64) {
	forChunks(rows, rowChunks(rows, n), func(_, lo, hi int) { backwardRows(dx, y, g, lo, hi, n, tau) })
}

func backwardRows[T float](dx, y, g []T, lo, hi, n int, tau float64) {
	inv := 1 / tau
	for r := lo; r < hi; r++ {
		yr, gr, dr := y[r*n:(r+1)*n], g[r*n:(r+1)*n], dx[r*n:(r+1)*n]
		sh, shg := 0.0, 0.0
		for i, v := range yr {
			h := float64(v) * (1 - float64(v))
			sh += h
			shg += h * float64(gr[i])
		}
		if sh == 0 {
			continue
		}
		c := shg / sh
		for i, v := range yr {
			dr[i] += T(float64(v) * (1 - float64(v)) * (float64(gr[i]) - c) * inv)
		}
	}
}

// solver holds per-row scratch space reused across rows.
type solver struct {
	a []float64 // exp(zmax − zᵢ), zᵢ = xᵢ/τ
	z []float64
}

// solve finds ν for one row, writing y. Let zᵢ = xᵢ/τ and L = logit(k/n).
// Because Σσ(zᵢ+ν) lies between n·σ(zmin+ν) and n·σ(zmax+ν), the root is in
// [L − zmax, L − zmin]. Writing σ(zᵢ+ν) = 1/(1 + aᵢ·w) with
// aᵢ = exp(zmax − zᵢ) and w = exp(−(ν + zmax)) makes each evaluation of g
// cost one exponential. Newton steps that leave the bracket, or shrink it
// too slowly, are replaced by bisection. The search runs in float64
// whatever T is; the loops over float32 entries are those of kernels32.
func solve[T float](s *solver, y, x []T, k int, tau, eps float64) (float64, error) {
	n := len(x)
	if n <= k {
		for i := range y {
			y[i] = 1
		}
		if err := checkFinite(x, 1); err != nil {
			return 0, err
		}
		return math.Inf(1), nil
	}
	if cap(s.a) < n {
		s.a, s.z = make([]float64, n), make([]float64, n)
	}
	a, z := s.a[:n], s.z[:n]
	inv := 1 / tau
	zmax, zmin, zsum, ok := setupRow(a, z, x, inv)
	if !ok {
		return 0, checkFinite(x, tau)
	}
	fk := float64(k)
	logit := math.Log(fk / float64(n-k))
	lo, hi := logit-zmax, logit-zmin
	// eval returns g(ν) and g'(ν).
	eval := func(nu float64) (float64, float64) {
		sum, dsum := sumsRow[T](a, z, math.Exp(-(nu + zmax)), nu)
		return sum - fk, dsum
	}
	done := func(nu float64) (float64, error) {
		writeRow(y, a, z, math.Exp(-(nu + zmax)), nu)
		return nu, nil
	}
	nu := logit - zsum/float64(n) // exact when all entries are equal
	nu = math.Min(math.Max(nu, lo), hi)
	step := hi - lo
	for it := 0; it < maxIter; it++ {
		f, df := eval(nu)
		if f == 0 {
			return done(nu)
		}
		if f < 0 {
			lo = nu
		} else {
			hi = nu
		}
		next := nu - f/df
		prev := step
		if df == 0 || !(next > lo && next < hi) || math.Abs(next-nu) > 0.5*math.Abs(prev) {
			next = 0.5 * (lo + hi) // bisection
		}
		step = next - nu
		nu = next
		if math.Abs(step) < eps || hi-lo < eps {
			return done(nu)
		}
	}
	return 0, fmt.Errorf("root search did not meet eps = %g in %d iterations (bracket [%g, %g])", eps, maxIter, lo, hi)
}

// checkFinite returns the error for the first entry of x that is not
// finite, or whose quotient by tau overflows; nil if there is none.
func checkFinite[T float](x []T, tau float64) error {
	inv := 1 / tau
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("entry %d is %g", i, v)
		}
		if math.IsInf(float64(v)*inv, 0) {
			return fmt.Errorf("entry %d: x/tau = %g/%g overflows", i, v, tau)
		}
	}
	return nil
}

// rowKernels are the loops over one row's float32 entries. The portable
// ones are below; builds with vector instructions replace them
// (lml_avx512.go) by kernels that compute the same values up to the order
// of the sums and an exponential within 2 ulps, far below float32's
// rounding. Float64 rows always take the portable loops, so that their
// results do not depend on the build.
type rowKernels struct {
	// setup writes zᵢ = xᵢ·inv and aᵢ = exp(zmax − zᵢ) and returns zmax,
	// zmin and Σzᵢ; ok is false if some zᵢ is not finite.
	setup func(a, z []float64, x []float32, inv float64) (zmax, zmin, zsum float64, ok bool)
	// sums returns Σσᵢ and Σσᵢ(1 − σᵢ) for σᵢ = 1/(1 + aᵢ·w), where
	// w = exp(−(ν + zmax)).
	sums func(a, z []float64, w, nu float64) (sum, dsum float64)
	// write stores the σᵢ into y.
	write func(y []float32, a, z []float64, w, nu float64)
}

var kernels32 = rowKernels{setup: setupScalar[float32], sums: sumsScalar, write: writeScalar[float32]}

func setupRow[T float](a, z []float64, x []T, inv float64) (zmax, zmin, zsum float64, ok bool) {
	if xs, is32 := any(x).([]float32); is32 {
		return kernels32.setup(a, z, xs, inv)
	}
	return setupScalar(a, z, x, inv)
}

func sumsRow[T float](a, z []float64, w, nu float64) (sum, dsum float64) {
	var x []T
	if _, is32 := any(x).([]float32); is32 {
		return kernels32.sums(a, z, w, nu)
	}
	return sumsScalar(a, z, w, nu)
}

func writeRow[T float](y []T, a, z []float64, w, nu float64) {
	if ys, is32 := any(y).([]float32); is32 {
		kernels32.write(ys, a, z, w, nu)
		return
	}
	writeScalar(y, a, z, w, nu)
}

func setupScalar[T float](a, z []float64, x []T, inv float64) (zmax, zmin, zsum float64, ok bool) {
	zmax, zmin, zsum, ok = scanScalar(z, x, inv, math.Inf(-1), math.Inf(1), 0)
	if !ok {
		return 0, 0, 0, false
	}
	for i, zi := range z {
		a[i] = math.Exp(zmax - zi)
	}
	return zmax, zmin, zsum, true
}

// scanScalar writes zᵢ = xᵢ·inv and folds them into the running zmax, zmin
// and Σzᵢ; ok is false if some zᵢ is not finite.
func scanScalar[T float](z []float64, x []T, inv, zmax, zmin, zsum float64) (float64, float64, float64, bool) {
	for i, v := range x {
		zi := float64(v) * inv
		if math.IsNaN(zi) || math.IsInf(zi, 0) {
			return 0, 0, 0, false
		}
		z[i] = zi
		if zi > zmax {
			zmax = zi
		}
		if zi < zmin {
			zmin = zi
		}
		zsum += zi
	}
	return zmax, zmin, zsum, true
}

// sumsScalar and writeScalar compute σ(zᵢ + ν) = 1/(1 + aᵢ·w), directly
// where aᵢ·w is Inf·0.
func sumsScalar(a, z []float64, w, nu float64) (sum, dsum float64) {
	for i, ai := range a {
		p := ai * w
		if p != p {
			p = math.Exp(-(z[i] + nu))
		}
		sg := 1 / (1 + p)
		sum += sg
		dsum += sg * (1 - sg)
	}
	return sum, dsum
}

func writeScalar[T float](y []T, a, z []float64, w, nu float64) {
	for i, ai := range a {
		p := ai * w
		if p != p {
			p = math.Exp(-(z[i] + nu))
		}
		y[i] = T(1 / (1 + p))
	}
}
