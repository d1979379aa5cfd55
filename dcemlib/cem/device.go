package cem

import (
	"context"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/lml"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// tinyVar is the smallest normal float32: the floor under the variance of
// a device solve, so that the square root's gradient stays finite where
// every elite coincides (σ' is then 1e-19 instead of 0).
const tinyVar = 0x1p-126

// solveOnDevice is Solve for mean and std on a device (float32). The
// samples, the objective, the soft top-k (lml.Project) and the update run
// there as tensor operations, recorded in the graph; the noise is drawn on
// the host by the same generator, in the same order, as the host solve
// draws it (on the device by tensor.RandNOn with Config.DeviceNoise), and
// the elite scores, the best sample and the hard top-k are
// computed on the host from the objective values (B·S numbers a step).
// Given the same noise it is the host float32 solve up to rounding.
func solveOnDevice(ctx context.Context, f Objective, mean, std *tensor.Tensor, cfg Config) (*Result, error) {
	dev := mean.Device()
	if std.Device() != dev {
		return nil, fmt.Errorf("cem.Solve: std (shape %v) is on %v, mean on %v; move it with ToDevice", std.Shape(), std.Device(), dev)
	}
	b, n := mean.Dim(0), mean.Dim(1)
	if err := cfg.validate(b, n); err != nil {
		return nil, fmt.Errorf("cem.Solve: %w", err)
	}
	sigma, err := expandStd[float32](std, b, n)
	if err != nil {
		return nil, fmt.Errorf("cem.Solve: %w", err)
	}
	if md := mean.Data32(); firstNotFinite(md) >= 0 {
		bad := firstNotFinite(md)
		return nil, fmt.Errorf("cem.Solve: mean element %d is %g", bad, md[bad])
	}
	s, k := cfg.Samples, cfg.Elites
	rng := tensor.NewRNG(cfg.Seed)
	var eh []float32 // the host draws
	if cfg.Noise == nil && !cfg.DeviceNoise {
		eh = make([]float32, b*s*n)
	}
	mu := mean
	best := make([]float32, b*n)
	bestVal := make([]float64, b)
	for i := range bestVal {
		bestVal[i] = math.Inf(1)
	}
	res := &Result{}
	for it := 0; it < cfg.Iters; it++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("cem.Solve: stopped at iteration %d: %w", it, err)
		}
		var eps *tensor.Tensor
		if cfg.Noise != nil {
			eps = cfg.Noise[it].Detach()
			switch {
			case eps.OnDevice() && eps.Device() != dev:
				return nil, fmt.Errorf("cem.Solve: Noise[%d] is on %v, the solve on %v", it, eps.Device(), dev)
			case !eps.OnDevice():
				eps = eps.To(tensor.Float32).ToDevice(dev)
			}
		} else if cfg.DeviceNoise {
			eps = tensor.RandNOn(dev, cfg.Seed, uint64(it), b, s, n)
		} else {
			rng.FillNormal32(eh)
			eps = tensor.New32(eh, b, s, n).ToDevice(dev)
		}
		x := mu.Unsqueeze(1).Add(sigma.Unsqueeze(1).Mul(eps))
		if cfg.bounded() {
			x = x.Clamp(cfg.Lower, cfg.Upper)
		}
		v, err := evaluateOnDevice(f, x, b, s, dev)
		if err != nil {
			return nil, fmt.Errorf("cem.Solve: iteration %d: %w", it, err)
		}
		vh := v.Data32()
		if err := checkValues(vh, s); err != nil {
			return nil, fmt.Errorf("cem.Solve: iteration %d: %w", it, err)
		}
		trackBestOnDevice(best, bestVal, x, vh, b, s, n)
		var w *tensor.Tensor
		if cfg.Temp > 0 {
			w, err = lml.Project(scoreOpOn(dev, v, vh), k, cfg.Temp, cfg.lmlEps())
			if err != nil {
				return nil, fmt.Errorf("cem.Solve: iteration %d: %w", it, err)
			}
		} else {
			wd := make([]float32, b*s)
			hardWeights(wd, vh, b, s, k)
			w = tensor.New32(wd, b, s).ToDevice(dev)
		}
		newMu, newSigma := updateOnDevice(x, w, k, cfg.MinStd)
		moved := math.Inf(1)
		if cfg.Tol > 0 {
			moved = maxAbsDiff(newMu.Data32(), mu.Data32())
		}
		mu, sigma = newMu, newSigma
		res.Iters = it + 1
		if cfg.Callback != nil {
			cfg.Callback(Iterate{Iter: it, Samples: x.Clone().Detach(), Values: v.Clone().Detach(), Weights: w.Clone().Detach(),
				Mean: mu.Clone().Detach(), Std: sigma.Clone().Detach()})
		}
		if cfg.Tol > 0 && moved < cfg.Tol {
			break
		}
	}
	res.Mean, res.Std = mu, sigma
	res.Best, res.BestValue = tensor.New32(best, b, n).ToDevice(dev), bestVal
	return res, nil
}

// evaluateOnDevice calls f (see callObjective) and checks that its values
// live on dev.
func evaluateOnDevice(f Objective, x *tensor.Tensor, b, s int, dev tensor.Device) (*tensor.Tensor, error) {
	v, err := callObjective(f, x, b, s)
	if err != nil {
		return nil, err
	}
	if v.Device() != dev {
		return nil, fmt.Errorf("objective returned values on %v for samples on %v", v.Device(), dev)
	}
	return v, nil
}

// trackBestOnDevice is trackBest with the samples on a device: only the
// rows of new best samples are read back.
func trackBestOnDevice(best []float32, bestVal []float64, x *tensor.Tensor, v []float32, b, s, n int) {
	var rows, probs []int
	for i := 0; i < b; i++ {
		bj := -1
		for j := 0; j < s; j++ {
			if val := float64(v[i*s+j]); val < bestVal[i] {
				bestVal[i], bj = val, j
			}
		}
		if bj >= 0 {
			rows, probs = append(rows, i*s+bj), append(probs, i)
		}
	}
	if len(rows) == 0 {
		return
	}
	got := x.Detach().Reshape(b*s, n).IndexSelect(0, rows).Data32()
	for r, i := range probs {
		copy(best[i*n:(i+1)*n], got[r*n:(r+1)*n])
	}
}

// scoreOpOn is scoreOp for values v on a device, whose host copy is vh:
// the scores are computed on the host (so +Inf values rank as they do
// there) and moved to the device, and so is their gradient.
func scoreOpOn(dev tensor.Device, v *tensor.Tensor, vh []float32) *tensor.Tensor {
	b, s := v.Dim(0), v.Dim(1)
	sc := make([]float32, len(vh))
	scale := make([]rowScale, b)
	scoreRows(sc, vh, scale, b, s)
	return tensor.NewOpOn(dev, "CEMScore", sc, []int{b, s}, []*tensor.Tensor{v}, func(g []float32, grads [][]float32) {
		scoreBackward(grads[0], g, sc, vh, scale, b, s)
	})
}

// updateOnDevice is updateOps as tensor operations on a device:
// μ' = Σₛ IₛXₛ/k and σ' = sqrt(max(Σₛ Iₛ(Xₛ−μ')²/k, minStd²)), whose
// gradient is updateOps' (none where the floor holds).
func updateOnDevice(x, w *tensor.Tensor, k int, minStd float64) (mu, sigma *tensor.Tensor) {
	inv := 1 / float64(k)
	wk := w.Unsqueeze(2)
	mu = x.Mul(wk).SumAxis(1, false).MulScalar(inv)
	v := x.Sub(mu.Unsqueeze(1)).Square().Mul(wk).SumAxis(1, false).MulScalar(inv)
	sigma = v.Clamp(math.Max(minStd*minStd, tinyVar), math.Inf(1)).Sqrt()
	return mu, sigma
}
