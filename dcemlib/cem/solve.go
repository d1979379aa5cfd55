// Package cem implements the cross-entropy method (CEM) and the
// differentiable cross-entropy method (DCEM) of Amos & Yarats (2020),
// paper algorithm 1, for batches of independent problems.
//
// Each iteration draws S samples X = μ + σ ⊙ ε from an isotropic Gaussian
// (optionally clamped to bounds), evaluates the objective, normalizes the
// values of each problem to mean 0 and standard deviation 1, and weighs the
// samples by the soft top-k I = Π_k(−v̂/τ) of package lml (τ = 0: the hard
// top-k of vanilla CEM). The new mean and deviation are the weighted
// moments μ' = Σ IₛXₛ/k and σ' = sqrt(Σ Iₛ(Xₛ−μ')²/k).
//
// Config.Temp is τ as the paper writes it (eq. 4): the normalized values
// are divided by τ. The reference implementation (facebookresearch/dcem)
// multiplies them by its temp argument instead, so its temp is 1/τ here:
// its temp = 10 is Temp = 0.1.
//
// Solve takes an objective built from tensor operations and records the
// whole solve in the autodiff graph, so that parameters of the objective
// and the initial mean and deviation receive gradients through it (paper
// props. 1 and 3). SolveFunc takes a plain Go function (a simulator, say)
// and needs no graph.
//
// Solves run in float64 or float32: Solve in the dtype of its initial
// mean, SolveFunc32 on float32 slices. Sums over samples are accumulated
// in float64 either way. An objective value of +Inf ranks its sample as the
// worst; NaN is an error naming the problem and the sample.
package cem

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"github.com/dcem-go/dcem/dcemlib/lml"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Objective maps samples X of shape (B, S, n) to values of shape (B, S)
// (or (B, S, 1)), built from tensor operations so that gradients flow.
// Lower is better.
type Objective func(x *tensor.Tensor) *tensor.Tensor

// Result is the outcome of Solve.
type Result struct {
	// Mean is the final mean μ_T, shape (B, n): the solution. It carries
	// the gradient of the solve when the objective or the initial
	// distribution needs one.
	Mean *tensor.Tensor
	// Std is the final standard deviation σ_T, shape (B, n).
	Std *tensor.Tensor
	// Best is the best sample seen over all iterations, shape (B, n),
	// detached, and BestValue its objective value per problem (as float64
	// whatever the solve's dtype).
	Best      *tensor.Tensor
	BestValue []float64
	// Iters is the number of iterations run (fewer than Config.Iters
	// after an early stop).
	Iters int
}

// Solve runs CEM (Temp = 0) or DCEM (Temp > 0) on a batch of B problems of
// dimension n. mean has shape (B, n); std must broadcast to (B, n) (a
// scalar tensor, (n) or (B, 1) work), be positive and have mean's dtype.
// The solve is recorded in the autodiff graph: Result.Mean is
// differentiable with respect to the parameters f reads, mean and std.
//
// The solve runs in mean's dtype (float64 or float32): the samples passed to
// f and Result's tensors have it, and f's values are converted to it if they
// have another. Noise tensors of either dtype are converted.
//
// An objective value of +Inf ranks its sample as the worst (see Config.Temp);
// a NaN value is an error.
//
// If mean or std is in a tensor.Arena, the samples passed to f join it, so
// that the objective's intermediate tensors are recycled when the arena is
// Reset (after the Backward through the solve): a solve repeated in an
// arena allocates little. The samples passed to f are recycled: after
// their iteration when nothing records a gradient, else once a backward
// pass has gone through the solve. An objective that keeps them for later
// must keep a copy (Clone).
//
// With mean and std on an OpenCL device (see tensor.Device) the solve runs
// there: the samples, the objective (which must return its values on that
// device), the soft top-k and the update are device operations, recorded in
// the graph; the noise is drawn on the host by the generator the host solve
// uses, in the same order, and moved, so that a solve on the device agrees
// with the float32 solve on the host up to rounding. With
// Config.DeviceNoise the noise is drawn on the device instead
// (tensor.RandNOn), and the solve agrees with a host float32 solve with
// DeviceNoise. The elite scores and the best sample are computed on the
// host from the objective values.
//
// It returns an error for invalid settings, bad shapes, a NaN objective
// value, a panic inside f, or when ctx is cancelled (checked every
// iteration).
func Solve(ctx context.Context, f Objective, mean, std *tensor.Tensor, cfg Config) (res *Result, err error) {
	if f == nil {
		return nil, fmt.Errorf("cem.Solve: objective f is nil")
	}
	if mean == nil || std == nil {
		return nil, fmt.Errorf("cem.Solve: mean and std must be set")
	}
	if mean.Dims() != 2 {
		return nil, fmt.Errorf("cem.Solve: mean has shape %v, want (B, n)", mean.Shape())
	}
	if std.DType() != mean.DType() {
		return nil, fmt.Errorf("cem.Solve: %w", dtypeError("std", std.DType(), mean.DType()))
	}
	if mean.OnDevice() || std.OnDevice() {
		return solveOnDevice(ctx, f, mean, std, cfg)
	}
	if mean.DType() == tensor.Float32 {
		return solve[float32](ctx, f, mean, std, cfg)
	}
	return solve[float64](ctx, f, mean, std, cfg)
}

func solve[T float](ctx context.Context, f Objective, mean, std *tensor.Tensor, cfg Config) (res *Result, err error) {
	b, n := mean.Dim(0), mean.Dim(1)
	if err := cfg.validate(b, n); err != nil {
		return nil, fmt.Errorf("cem.Solve: %w", err)
	}
	sigma, err := expandStd[T](std, b, n)
	if err != nil {
		return nil, fmt.Errorf("cem.Solve: %w", err)
	}
	if bad := firstNotFinite(vals[T](mean)); bad >= 0 {
		return nil, fmt.Errorf("cem.Solve: mean element %d is %g", bad, vals[T](mean)[bad])
	}
	s, k := cfg.Samples, cfg.Elites
	arena := mean.Arena()
	if arena == nil {
		arena = std.Arena()
	}
	noise := newNoiseSource[T](&cfg, tensor.NewRNG(cfg.Seed), b*s*n)
	defer noise.close()
	mu := mean
	best := make([]T, b*n)
	bestVal := make([]float64, b)
	for i := range bestVal {
		bestVal[i] = math.Inf(1)
	}
	res = &Result{}
	for it := 0; it < cfg.Iters; it++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("cem.Solve: stopped at iteration %d: %w", it, err)
		}
		xd := sampleBufs[T]().get(b * s * n)
		eps, stable := noise.draws(it, xd)
		x := sampleOp(mu, sigma, xd, eps, stable, &cfg)
		if it+1 < cfg.Iters {
			noise.prefetch()
		}
		xin := x
		if arena != nil {
			xin = arena.Use(x)
		}
		v, err := evaluate[T](f, xin, b, s)
		if err != nil {
			return nil, fmt.Errorf("cem.Solve: iteration %d: %w", it, err)
		}
		// Without a graph nothing reads the samples after this iteration.
		recycle := !xin.NeedsGrad() && !v.NeedsGrad()
		trackBest(best, bestVal, vals[T](x), vals[T](v), b, s, n)
		var w *tensor.Tensor
		if cfg.Temp > 0 {
			w, err = lml.Project(scoreOp[T](v), k, cfg.Temp, cfg.lmlEps())
			if err != nil {
				return nil, fmt.Errorf("cem.Solve: iteration %d: %w", it, err)
			}
		} else {
			wd := make([]T, b*s)
			hardWeights(wd, vals[T](v), b, s, k)
			w = newTensor(wd, b, s)
		}
		var newMu *tensor.Tensor
		newMu, sigma = updateOps[T](x, w, k, cfg.MinStd)
		moved := maxAbsDiff(vals[T](newMu), vals[T](mu))
		mu = newMu
		res.Iters = it + 1
		if cfg.Callback != nil {
			cfg.Callback(Iterate{Iter: it, Samples: x.Clone(), Values: v.Clone(), Weights: w.Clone(), Mean: mu.Clone(), Std: sigma.Clone()})
		}
		if recycle {
			sampleBufs[T]().put(xd)
		}
		if cfg.Tol > 0 && moved < cfg.Tol {
			break
		}
	}
	res.Mean, res.Std = mu, sigma
	res.Best, res.BestValue = newTensor(best, b, n), bestVal
	return res, nil
}

// expandStd checks std and broadcasts it to (b, n), keeping the graph.
func expandStd[T float](std *tensor.Tensor, b, n int) (t *tensor.Tensor, err error) {
	for i, v := range vals[T](std) {
		if !(v > 0) || math.IsInf(float64(v), 1) {
			return nil, fmt.Errorf("initial std element %d is %g, want 0 < std < +Inf", i, v)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("std of shape %v does not broadcast to the mean's (%d, %d)", std.Shape(), b, n)
		}
	}()
	if s := std.Shape(); len(s) == 2 && s[0] == b && s[1] == n {
		return std, nil
	}
	return std.Expand(b, n), nil
}

// evaluate calls f (see callObjective) and checks the values, converting
// them to T if f returned another dtype.
func evaluate[T float](f Objective, x *tensor.Tensor, b, s int) (*tensor.Tensor, error) {
	v, err := callObjective(f, x, b, s)
	if err != nil {
		return nil, err
	}
	v = v.To(dtypeOf[T]())
	if err := checkValues(vals[T](v), s); err != nil {
		return nil, err
	}
	return v, nil
}

// callObjective calls f, turning a panic into an error, and returns its
// values as (B, S): f may return (B, S) or (B, S, 1).
func callObjective(f Objective, x *tensor.Tensor, b, s int) (v *tensor.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("objective panicked: %v", r)
		}
	}()
	v = f(x)
	if v == nil {
		return nil, fmt.Errorf("objective returned nil")
	}
	sh := v.Shape()
	switch {
	case len(sh) == 2 && sh[0] == b && sh[1] == s:
	case len(sh) == 3 && sh[0] == b && sh[1] == s && sh[2] == 1:
		v = v.Reshape(b, s)
	default:
		return nil, fmt.Errorf("objective returned shape %v, want (B, S) = (%d, %d)", sh, b, s)
	}
	return v, nil
}

func trackBest[T float](best []T, bestVal []float64, x, v []T, b, s, n int) {
	for i := 0; i < b; i++ {
		for j := 0; j < s; j++ {
			if val := float64(v[i*s+j]); val < bestVal[i] {
				bestVal[i] = val
				copy(best[i*n:(i+1)*n], x[(i*s+j)*n:(i*s+j+1)*n])
			}
		}
	}
}

func maxAbsDiff[T float](a, b []T) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

func firstNotFinite[T float](v []T) int {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return i
		}
	}
	return -1
}

// scoreOp is the elite scores of scoreRows as one operation on the
// objective values v (B, S), with their gradient.
func scoreOp[T float](v *tensor.Tensor) *tensor.Tensor {
	b, s := v.Dim(0), v.Dim(1)
	vd := vals[T](v)
	sc := make([]T, len(vd))
	scale := make([]rowScale, b)
	scoreRows(sc, vd, scale, b, s)
	return newOp("CEMScore", sc, []int{b, s}, []*tensor.Tensor{v}, func(g []T, grads [][]T) {
		scoreBackward(grads[0], g, sc, vd, scale, b, s)
	})
}

// sampleOp is X = clamp(μ + σ ⊙ ε) as one operation, written into x; the
// gradient passes to μ and σ where the sample is inside the bounds. eps may
// be x itself (drawn in place). The backward pass recovers ε as (X − μ)/σ,
// so no copy of it is kept unless some σ is 0 and eps is not stable (kept
// unchanged by the caller); it is the last reader of X in the graph, so it
// gives x back for reuse. Problems are sampled in parallel when large.
func sampleOp[T float](mu, sigma *tensor.Tensor, x, eps []T, stable bool, cfg *Config) *tensor.Tensor {
	b, n := mu.Dim(0), mu.Dim(1)
	s := cfg.Samples
	grad := mu.NeedsGrad() || sigma.NeedsGrad()
	lo, hi, bounded := cfg.Lower, cfg.Upper, cfg.bounded()
	md, sd := vals[T](mu), vals[T](sigma)
	var ed []T // ε for the backward pass, when not recovered from X
	if grad {
		if stable {
			ed = eps
		} else {
			for _, v := range sd {
				if v == 0 {
					ed = append([]T(nil), eps...)
					break
				}
			}
		}
	}
	sn := s * n
	forEach(b, b*sn, func(first, last int) {
		sample(x[first*sn:last*sn], md[first*n:last*n], sd[first*n:last*n], eps[first*sn:last*sn], last-first, s, n, lo, hi, bounded)
	})
	if !grad {
		return newTensor(x, b, s, n)
	}
	return newOp("CEMSample", x, []int{b, s, n}, []*tensor.Tensor{mu, sigma}, func(g []T, grads [][]T) {
		sampleBackward(grads[0], grads[1], g, x, ed, md, sd, b, s, n, lo, hi, bounded)
		sampleBufs[T]().put(x)
	})
}

// noiseSource supplies the standard-normal draws ε of each iteration: from
// Config.Noise; with Config.DeviceNoise from the counter-based generator,
// drawn in place (split over goroutines when large); else from the RNG,
// drawn in place into the sample buffer, or, for large solves on more than
// one thread, drawn one iteration ahead on another goroutine while the
// current iteration runs. The RNG's draws come in the same order either
// way, so the solve does not depend on which.
type noiseSource[T float] struct {
	noise   []*tensor.Tensor
	rng     *tensor.RNG
	counter bool          // Config.DeviceNoise: draw with the counter-based generator
	seed    uint64        // its key
	buf     []T           // the next iteration's draws, when drawn ahead
	done    chan struct{} // receives when buf is filled
	pending bool          // a fill is in flight
}

func newNoiseSource[T float](cfg *Config, rng *tensor.RNG, size int) *noiseSource[T] {
	ns := &noiseSource[T]{noise: cfg.Noise, rng: rng, counter: cfg.DeviceNoise, seed: cfg.Seed}
	if cfg.Noise == nil && !cfg.DeviceNoise && runtime.GOMAXPROCS(0) > 1 && size >= parallelMin {
		ns.buf = sampleBufs[T]().get(size)
		ns.done = make(chan struct{}, 1)
		ns.prefetch()
	}
	return ns
}

// draws returns ε for iteration it, drawing into x when drawing in place,
// and whether ε stays unchanged until the solve's backward pass.
func (ns *noiseSource[T]) draws(it int, x []T) (eps []T, stable bool) {
	switch {
	case ns.noise != nil:
		return valsAs[T](ns.noise[it]), true
	case ns.counter:
		counterNormals(x, ns.seed, it)
		return x, false
	case ns.buf != nil:
		<-ns.done
		ns.pending = false
		return ns.buf, false
	}
	fillNormal(ns.rng, x)
	return x, false
}

// prefetch starts drawing the next iteration's ε, once the current ones
// have been used.
func (ns *noiseSource[T]) prefetch() {
	if ns.buf == nil {
		return
	}
	ns.pending = true
	go func() {
		fillNormal(ns.rng, ns.buf)
		ns.done <- struct{}{}
	}()
}

// close waits for a fill in flight and recycles the buffer.
func (ns *noiseSource[T]) close() {
	if ns.buf == nil {
		return
	}
	if ns.pending {
		<-ns.done
	}
	sampleBufs[T]().put(ns.buf)
	ns.buf = nil
}

// sampleBackward adds the gradients of ℓ with respect to μ (gm) and σ (gs)
// of X = clamp(μ + σ ⊙ ε) given g = ∂ℓ/∂X: Σₛ gₛ and Σₛ gₛ ⊙ εₛ over the
// samples inside the bounds, with εₛ = (Xₛ − μ)/σ unless eps is given.
// Either destination may be nil.
func sampleBackward[T float](gm, gs, g, x, eps, mu, sigma []T, b, s, n int, lo, hi float64, bounded bool) {
	tlo, thi := T(lo), T(hi)
	forEach(b, b*s*n, func(first, last int) {
		accM, accS := make([]float64, n), make([]float64, n)
		m := make([]float64, n)
		for i := first; i < last; i++ {
			clear(accM)
			clear(accS)
			for d := range m {
				m[d] = float64(mu[i*n+d])
			}
			j := 0
			if !bounded && eps == nil {
				// Two samples at a time: half the accumulator traffic.
				for ; j+1 < s; j += 2 {
					off := (i*s + j) * n
					sampleRows2(accM, accS, g[off:off+2*n], x[off:off+2*n], m)
				}
			}
			for ; j < s; j++ {
				off := (i*s + j) * n
				xr, gr := x[off:off+n], g[off:off+n]
				xr = xr[:len(gr)]
				switch {
				case bounded:
					for d, gv := range gr {
						xv := xr[d]
						if xv <= tlo || xv >= thi {
							continue // clamped: no gradient
						}
						accM[d] += float64(gv)
						if eps != nil {
							accS[d] += float64(gv) * float64(eps[off+d])
						} else {
							accS[d] += float64(gv) * (float64(xv) - m[d])
						}
					}
				case eps != nil:
					er := eps[off : off+n]
					er = er[:len(gr)]
					for d, gv := range gr {
						accM[d] += float64(gv)
						accS[d] += float64(gv) * float64(er[d])
					}
				default:
					for d, gv := range gr {
						accM[d] += float64(gv)
						accS[d] += float64(gv) * (float64(xr[d]) - m[d])
					}
				}
			}
			if gm != nil {
				for d, a := range accM {
					gm[i*n+d] += T(a)
				}
			}
			if gs != nil {
				for d, a := range accS {
					if eps == nil {
						a /= float64(sigma[i*n+d]) // Σ gₛ(Xₛ − μ)/σ
					}
					gs[i*n+d] += T(a)
				}
			}
		}
	})
}

// counterNormals fills x with the draws of iteration it with
// Config.DeviceNoise: those of tensor.RandNOn(dev, seed, it, …) on any
// device (split over goroutines for large x, with the same values).
func counterNormals[T float](x []T, seed uint64, it int) {
	p := tensor.Philox{Seed: seed, Stream: uint64(it)}
	switch x := any(x).(type) {
	case []float32:
		p.FillNormal32(x, 0)
	case []float64:
		z := make([]float32, len(x))
		p.FillNormal32(z, 0)
		for i, v := range z {
			x[i] = float64(v)
		}
	}
}

// fillNormal fills x with standard normal draws (RNG.FillNormal or
// FillNormal32: the same draws, rounded).
func fillNormal[T float](rng *tensor.RNG, x []T) {
	switch x := any(x).(type) {
	case []float32:
		rng.FillNormal32(x)
	case []float64:
		rng.FillNormal(x)
	}
}

// updateOps returns the new mean μ' = Σₛ IₛXₛ/k and deviation
// σ' = max(sqrt(Σₛ Iₛ(Xₛ−μ')²/k), minStd) (paper alg. 1, lines 6–7) as two
// recorded operations with one backward pass: σ's operation only collects
// its gradient, which μ's operation, whose backward runs after it (σ' reads
// μ'), folds into a single pass over the samples.
func updateOps[T float](x, w *tensor.Tensor, k int, minStd float64) (mu, sigma *tensor.Tensor) {
	b, s, n := x.Dim(0), x.Dim(1), x.Dim(2)
	xd, wd := vals[T](x), vals[T](w)
	md, sd := make([]T, b*n), make([]T, b*n)
	weightedMoments(md, sd, xd, wd, b, s, n, k, minStd)
	var gvar []float64 // ∂ℓ/∂σ'² once σ' has a gradient
	mu = newOp("CEMMean", md, []int{b, n}, []*tensor.Tensor{x, w}, func(g []T, grads [][]T) {
		momentsBackward(grads[0], grads[1], g, gvar, xd, wd, md, b, s, n, k)
	})
	sigma = newOp("CEMStd", sd, []int{b, n}, []*tensor.Tensor{mu}, func(g []T, _ [][]T) {
		gvar = make([]float64, b*n)
		for i, v := range g {
			// ∂σ'/∂σ'² = 1/(2σ') where the floor is not active.
			// The floor is compared as stored: float32(MinStd) may
			// exceed MinStd.
			if sv := float64(sd[i]); sv > 0 && sv > float64(T(minStd)) {
				gvar[i] = float64(v) / (2 * sv)
			}
		}
	})
	return mu, sigma
}

// momentsBackward adds the gradients of ℓ with respect to X (gx) and I (gw)
// given g = ∂ℓ/∂μ' and gvar = ∂ℓ/∂σ'² (nil if σ' has no gradient); either
// destination may be nil. With wₛ = Iₛ/k, dₛ = Xₛ − μ' and W = Σₛ Iₛ:
//
//	∂ℓ/∂μ' (total) = g − 2·gvar ⊙ μ'·(1 − W/k)   (σ'² depends on μ' unless W = k)
//	∂ℓ/∂Xₛ = wₛ (2·gvar ⊙ dₛ + ∂ℓ/∂μ')
//	∂ℓ/∂Iₛ = (gvarᵀ(dₛ ⊙ dₛ) + (∂ℓ/∂μ')ᵀXₛ)/k
func momentsBackward[T float](gx, gw, g []T, gvar []float64, x, w, mu []T, b, s, n, k int) {
	inv := 1 / float64(k)
	forEach(b, b*s*n, func(lo, hi int) {
		gt := make([]float64, n) // total ∂ℓ/∂μ'
		m := make([]float64, n)
		gv2 := make([]float64, n) // 2·gvar
		m, gv2 = m[:len(gt)], gv2[:len(gt)]
		for i := lo; i < hi; i++ {
			wi := w[i*s : (i+1)*s]
			sum := 0.0
			for _, v := range wi {
				sum += float64(v)
			}
			for d := range gt {
				gt[d] = float64(g[i*n+d])
				m[d] = float64(mu[i*n+d])
				gv2[d] = 0
				if gvar != nil {
					gv2[d] = 2 * gvar[i*n+d]
					gt[d] -= gv2[d] * m[d] * (1 - sum*inv)
				}
			}
			for j, wv := range wi {
				c := float64(wv) * inv
				if c == 0 && gw == nil {
					continue
				}
				off := (i*s + j) * n
				xr := x[off : off+n]
				xr = xr[:len(gt)]
				var gr []T
				if gx != nil && c != 0 {
					gr = gx[off : off+n]
					gr = gr[:len(gt)]
				}
				acc := 0.0
				switch {
				case gvar != nil && gr != nil && gw != nil: // soft DCEM, the usual case
					acc = softRowBackward(gr, xr, m, gv2, gt, c)
				case gvar != nil:
					for d, v := range xr {
						dv := float64(v) - m[d]
						if gr != nil {
							gr[d] += T(c * (gv2[d]*dv + gt[d]))
						}
						acc += 0.5*gv2[d]*dv*dv + gt[d]*float64(v)
					}
				default:
					for d, v := range xr {
						if gr != nil {
							gr[d] += T(c * gt[d])
						}
						acc += gt[d] * float64(v)
					}
				}
				if gw != nil {
					gw[i*s+j] += T(acc * inv)
				}
			}
		}
	})
}

// softRowBackward adds c·(gv2 ⊙ (x − m) + gt) to gr and returns
// Σ ½·gv2 ⊙ (x − m)² + gt ⊙ x for one sample row x, with two independent
// partial sums so that the additions need not wait on each other.
func softRowBackward[T float](gr, x []T, m, gv2, gt []float64, c float64) float64 {
	n := len(x)
	gr, m, gv2, gt = gr[:n], m[:n], gv2[:n], gt[:n]
	a0, a1 := 0.0, 0.0
	d := 0
	for ; d+1 < n; d += 2 {
		v0, v1 := float64(x[d]), float64(x[d+1])
		d0, d1 := v0-m[d], v1-m[d+1]
		gr[d] += T(c * (gv2[d]*d0 + gt[d]))
		gr[d+1] += T(c * (gv2[d+1]*d1 + gt[d+1]))
		a0 += 0.5*gv2[d]*d0*d0 + gt[d]*v0
		a1 += 0.5*gv2[d+1]*d1*d1 + gt[d+1]*v1
	}
	if d < n {
		v := float64(x[d])
		dv := v - m[d]
		gr[d] += T(c * (gv2[d]*dv + gt[d]))
		a0 += 0.5*gv2[d]*dv*dv + gt[d]*v
	}
	return a0 + a1
}

// sampleRows2 adds g₀ + g₁ to accM and g₀ ⊙ (x₀ − m) + g₁ ⊙ (x₁ − m) to accS
// for two consecutive sample rows (g and x hold both, 2·len(m) values).
func sampleRows2[T float](accM, accS []float64, g, x []T, m []float64) {
	n := len(m)
	accM, accS = accM[:n], accS[:n]
	g0, g1 := g[:n], g[n:2*n]
	x0, x1 := x[:n], x[n:2*n]
	for d, mv := range m {
		a, b := float64(g0[d]), float64(g1[d])
		accM[d] += a + b
		accS[d] += a*(float64(x0[d])-mv) + b*(float64(x1[d])-mv)
	}
}
