package cem

import (
	"context"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// FuncResult is the outcome of SolveFunc.
type FuncResult struct {
	Mean      []float64 // final mean μ_T: the solution
	Std       []float64 // final standard deviation σ_T
	Best      []float64 // best sample seen over all iterations
	BestValue float64   // its objective value
	Iters     int       // iterations run
}

// SolveFunc runs CEM (Temp = 0) or soft CEM (Temp > 0) on one black-box
// problem of dimension n = len(mean): f receives the S samples of an
// iteration, each of length n, and returns their S values (lower is
// better; +Inf ranks as the worst). std has length n, or 1 for an isotropic
// start. It uses the same update as Solve but records no gradient.
// Config.Noise tensors have shape (1, S, n).
//
// It returns an error for invalid settings, a wrong number of values from
// f, a NaN value, a panic inside f, or when ctx is cancelled (checked every
// iteration).
func SolveFunc(ctx context.Context, f func(x [][]float64) []float64, mean, std []float64, cfg Config) (*FuncResult, error) {
	r, err := solveFunc(ctx, "cem.SolveFunc", f, mean, std, cfg)
	if err != nil {
		return nil, err
	}
	return &FuncResult{Mean: r.mean, Std: r.std, Best: r.best, BestValue: r.bestValue, Iters: r.iters}, nil
}

// FuncResult32 is the outcome of SolveFunc32.
type FuncResult32 struct {
	Mean      []float32 // final mean μ_T: the solution
	Std       []float32 // final standard deviation σ_T
	Best      []float32 // best sample seen over all iterations
	BestValue float32   // its objective value
	Iters     int       // iterations run
}

// SolveFunc32 is SolveFunc in float32: the samples, values and results are
// float32 (the tensors passed to Config.Callback too).
func SolveFunc32(ctx context.Context, f func(x [][]float32) []float32, mean, std []float32, cfg Config) (*FuncResult32, error) {
	r, err := solveFunc(ctx, "cem.SolveFunc32", f, mean, std, cfg)
	if err != nil {
		return nil, err
	}
	return &FuncResult32{Mean: r.mean, Std: r.std, Best: r.best, BestValue: r.bestValue, Iters: r.iters}, nil
}

type funcResult[T float] struct {
	mean, std, best []T
	bestValue       T
	iters           int
}

func solveFunc[T float](ctx context.Context, name string, f func(x [][]T) []T, mean, std []T, cfg Config) (*funcResult[T], error) {
	if f == nil {
		return nil, fmt.Errorf("%s: objective f is nil", name)
	}
	n := len(mean)
	if n == 0 {
		return nil, fmt.Errorf("%s: mean is empty", name)
	}
	if err := cfg.validate(1, n); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if bad := firstNotFinite(mean); bad >= 0 {
		return nil, fmt.Errorf("%s: mean element %d is %g", name, bad, mean[bad])
	}
	sigma := make([]T, n)
	switch len(std) {
	case 1:
		for i := range sigma {
			sigma[i] = std[0]
		}
	case n:
		copy(sigma, std)
	default:
		return nil, fmt.Errorf("%s: std has %d values, want 1 or len(mean) = %d", name, len(std), n)
	}
	for i, v := range sigma {
		if !(v > 0) || math.IsInf(float64(v), 1) {
			return nil, fmt.Errorf("%s: initial std element %d is %g, want 0 < std < +Inf", name, i, v)
		}
	}
	s, k := cfg.Samples, cfg.Elites
	mu := append([]T(nil), mean...)
	newMu := make([]T, n)
	x := make([]T, s*n)
	rows := make([][]T, s)
	for j := range rows {
		rows[j] = x[j*n : (j+1)*n : (j+1)*n]
	}
	eps := make([]T, s*n)
	w := make([]T, s)
	sc := make([]T, s)
	scale := make([]rowScale, 1)
	rng := tensor.NewRNG(cfg.Seed)
	res := &funcResult[T]{best: make([]T, n), bestValue: T(math.Inf(1))}
	for it := 0; it < cfg.Iters; it++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: stopped at iteration %d: %w", name, it, err)
		}
		if cfg.Noise != nil {
			copy(eps, valsAs[T](cfg.Noise[it]))
		} else if cfg.DeviceNoise {
			counterNormals(eps, cfg.Seed, it)
		} else {
			fillNormal(rng, eps)
		}
		sample(x, mu, sigma, eps, 1, s, n, cfg.Lower, cfg.Upper, cfg.bounded())
		v, err := callFunc(f, rows)
		if err != nil {
			return nil, fmt.Errorf("%s: iteration %d: %w", name, it, err)
		}
		if len(v) != s {
			return nil, fmt.Errorf("%s: iteration %d: objective returned %d values for %d samples", name, it, len(v), s)
		}
		if err := checkValues(v, s); err != nil {
			return nil, fmt.Errorf("%s: iteration %d: %w", name, it, err)
		}
		for j, val := range v {
			if val < res.bestValue {
				res.bestValue = val
				copy(res.best, rows[j])
			}
		}
		if cfg.Temp > 0 {
			scoreRows(sc, v, scale, 1, s)
			if err := lmlForward(w, sc, 1, s, k, cfg.Temp, cfg.lmlEps()); err != nil {
				return nil, fmt.Errorf("%s: iteration %d: %w", name, it, err)
			}
		} else {
			hardWeights(w, v, 1, s, k)
		}
		weightedMoments(newMu, sigma, x, w, 1, s, n, k, cfg.MinStd)
		moved := maxAbsDiff(newMu, mu)
		mu, newMu = newMu, mu
		res.iters = it + 1
		if cfg.Callback != nil {
			cfg.Callback(Iterate{
				Iter:    it,
				Samples: newTensor(append([]T(nil), x...), 1, s, n),
				Values:  newTensor(append([]T(nil), v...), 1, s),
				Weights: newTensor(append([]T(nil), w...), 1, s),
				Mean:    newTensor(append([]T(nil), mu...), 1, n),
				Std:     newTensor(append([]T(nil), sigma...), 1, n),
			})
		}
		if cfg.Tol > 0 && moved < cfg.Tol {
			break
		}
	}
	res.mean, res.std = mu, sigma
	return res, nil
}

// callFunc calls f, turning a panic into an error. The samples are copied so
// that f may keep or change them.
func callFunc[T float](f func(x [][]T) []T, rows [][]T) (v []T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("objective panicked: %v", r)
		}
	}()
	cp := make([][]T, len(rows))
	flat := make([]T, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		flat = append(flat, r...)
		cp[i] = flat[len(flat)-len(r) : len(flat) : len(flat)]
	}
	return f(cp), nil
}
