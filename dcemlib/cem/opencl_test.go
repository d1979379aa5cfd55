//go:build opencl && cgo

package cem

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// testDevice returns the device of the device tests (tensor.OpenCLFromEnv).
func testDevice(t testing.TB) tensor.Device {
	t.Helper()
	d, err := tensor.OpenCLFromEnv()
	if err != nil {
		t.Fatalf("no OpenCL device for the device tests: %v", err)
	}
	return d
}

// deviceSolve runs a solve of a batch of shifted quadratics on dev (the
// host for CPU) from float32 leaves and returns the final mean and
// deviation, the best values, and the gradients of a weighted sum of the
// final mean with respect to the objective's target and the initial mean.
func deviceSolve(t *testing.T, dev tensor.Device, cfg Config) (mean, std []float64, best []float64, gTarget, gMean []float64) {
	t.Helper()
	const b, n = 3, 6
	g := tensor.NewRNG(21)
	target := tensor.RandNOf(tensor.Float32, g, b, 1, n).ToDevice(dev).RequiresGrad()
	scale := tensor.RandUOf(tensor.Float32, g, 0.5, 2, n).ToDevice(dev)
	mu0 := tensor.RandNOf(tensor.Float32, g, b, n).MulScalar(0.3).ToDevice(dev).RequiresGrad()
	sd0 := tensor.FullOf(tensor.Float32, 1.5, n).ToDevice(dev)
	f := func(x *tensor.Tensor) *tensor.Tensor {
		return x.Sub(target).Square().Mul(scale).SumAxis(2, false)
	}
	res, err := Solve(context.Background(), f, mu0, sd0, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Mean.Device() != dev || res.Std.Device() != dev || res.Best.Device() != dev {
		t.Fatalf("results on %v, %v, %v; want %v", res.Mean.Device(), res.Std.Device(), res.Best.Device(), dev)
	}
	w := tensor.Linspace(-1, 1, b*n).Reshape(b, n).Float32().ToDevice(dev)
	res.Mean.Mul(w).Sum().Add(res.Std.Sum()).Backward()
	grad := func(p *tensor.Tensor) []float64 {
		g := p.Grad()
		if g == nil { // hard CEM: no gradient reaches the objective's parameters
			return nil
		}
		if g.Device() != dev {
			t.Fatalf("gradient on %v, want %v", g.Device(), dev)
		}
		return g.Values()
	}
	return res.Mean.Values(), res.Std.Values(), res.BestValue, grad(target), grad(mu0)
}

// TestSolveOnDevice runs DCEM (soft top-k), CEM (hard top-k) with bounds,
// DCEM on given noise, and DCEM with the noise drawn on the device
// (DeviceNoise; the host draws the same stream) on the device and on the
// host in float32: the
// final mean and deviation, the best values and the gradients through the
// solve agree to float32 tolerances.
func TestSolveOnDevice(t *testing.T) {
	dev := testDevice(t)
	noise := make([]*tensor.Tensor, 4)
	g := tensor.NewRNG(99)
	for i := range noise {
		noise[i] = tensor.RandNOf(tensor.Float32, g, 3, 40, 6)
	}
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"dcem", Config{Samples: 50, Elites: 5, Iters: 5, Temp: 0.5, Seed: 4}},
		{"cem/bounded", Config{Samples: 60, Elites: 6, Iters: 4, Lower: -1.5, Upper: 1.5, MinStd: 0.05, Seed: 5}},
		{"dcem/noise", Config{Samples: 40, Elites: 4, Iters: 4, Temp: 1, Noise: noise}},
		{"dcem/device noise", Config{Samples: 50, Elites: 5, Iters: 5, Temp: 0.5, Seed: 6, DeviceNoise: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			mh, sh, bh, gth, gmh := deviceSolve(t, tensor.CPU, c.cfg)
			md, sd, bd, gtd, gmd := deviceSolve(t, dev, c.cfg)
			for _, p := range []struct {
				what      string
				got, want []float64
			}{{"mean", md, mh}, {"std", sd, sh}, {"best value", bd, bh}, {"target gradient", gtd, gth}, {"mean gradient", gmd, gmh}} {
				if len(p.got) != len(p.want) {
					t.Fatalf("%s: %d values on the device, %d on the host", p.what, len(p.got), len(p.want))
				}
				for i := range p.want {
					if d := math.Abs(p.got[i] - p.want[i]); !(d <= 2e-4*math.Max(1, math.Abs(p.want[i]))) {
						t.Fatalf("%s element %d: device %.8g, host %.8g", p.what, i, p.got[i], p.want[i])
					}
				}
			}
		})
	}
}

// TestSolveOnDeviceWithDeviceNoise runs DCEM with the noise drawn on the
// device on 8 shifted, scaled quadratics Σ_d a_d (x_d − c_d)² in 5
// dimensions, whose minima are the centres c: every coordinate of the final
// mean lies within 10⁻³ of its centre (from a start 1.5 standard deviations
// wide and centres of about unit size), and the draws differ from the
// default solve's.
func TestSolveOnDeviceWithDeviceNoise(t *testing.T) {
	dev := testDevice(t)
	const b, n = 8, 5
	g := tensor.NewRNG(3)
	centre := tensor.RandNOf(tensor.Float32, g, b, 1, n)
	scale := tensor.RandUOf(tensor.Float32, g, 0.5, 2, n)
	cd, ad := centre.ToDevice(dev), scale.ToDevice(dev)
	f := func(x *tensor.Tensor) *tensor.Tensor { return x.Sub(cd).Square().Mul(ad).SumAxis(2, false) }
	cfg := Config{Samples: 200, Elites: 20, Iters: 25, Temp: 0.5, Seed: 8, DeviceNoise: true}
	var first *tensor.Tensor
	cfg.Callback = func(it Iterate) {
		if it.Iter == 0 {
			first = it.Samples
		}
	}
	mu0 := tensor.ZerosOf(tensor.Float32, b, n).ToDevice(dev)
	sd0 := tensor.FullOf(tensor.Float32, 1.5, n).ToDevice(dev)
	res, err := Solve(context.Background(), f, mu0, sd0, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, want := res.Mean.Values(), centre.Values()
	worst := 0.0
	for i := range want {
		worst = math.Max(worst, math.Abs(got[i]-want[i]))
	}
	if !(worst <= 1e-3) {
		t.Errorf("the final mean is %.3g from the minimum, want ≤ 10⁻³", worst)
	}
	t.Logf("DeviceNoise: final mean within %.2g of the minima after %d iterations", worst, res.Iters)
	// Iteration 0 samples μ₀ + σ₀·RandNOn(dev, Seed, 0, B, S, n).
	eps := tensor.RandNOn(tensor.CPU, cfg.Seed, 0, b, cfg.Samples, n).Values()
	x := first.Values()
	for i := range eps {
		if d := math.Abs(x[i] - 1.5*eps[i]); d > 1e-5 {
			t.Fatalf("iteration 0, sample element %d: %g, want 1.5 × RandNOn's %g", i, x[i], eps[i])
		}
	}
	cfg.DeviceNoise, cfg.Callback = false, func(it Iterate) {
		if it.Iter == 0 {
			first = it.Samples
		}
	}
	if _, err := Solve(context.Background(), f, mu0, sd0, cfg); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(first.Values(), x) {
		t.Error("the default solve drew the same noise as DeviceNoise")
	}
}

// TestSolveOnDeviceErrors checks the errors of a device solve: operands on
// different devices, an objective whose values are on the host, and NaN
// values.
func TestSolveOnDeviceErrors(t *testing.T) {
	dev := testDevice(t)
	cfg := Config{Samples: 10, Elites: 2, Iters: 2, Temp: 1}
	mu := tensor.ZerosOf(tensor.Float32, 2, 3).ToDevice(dev)
	sd := tensor.FullOf(tensor.Float32, 1, 3)
	f := func(x *tensor.Tensor) *tensor.Tensor { return x.Square().SumAxis(2, false) }
	if _, err := Solve(context.Background(), f, mu, sd, cfg); err == nil || !strings.Contains(err.Error(), "std (shape [3]) is on cpu") {
		t.Fatalf("std on the host: error %v", err)
	}
	host := func(x *tensor.Tensor) *tensor.Tensor { return x.ToDevice(tensor.CPU).Square().SumAxis(2, false) }
	if _, err := Solve(context.Background(), host, mu, sd.ToDevice(dev), cfg); err == nil || !strings.Contains(err.Error(), "objective returned values on cpu") {
		t.Fatalf("values on the host: error %v", err)
	}
	nan := func(x *tensor.Tensor) *tensor.Tensor { return x.Square().SumAxis(2, false).Log().Log() }
	if _, err := Solve(context.Background(), nan, mu, sd.ToDevice(dev), cfg); err == nil || !strings.Contains(err.Error(), "is NaN") {
		t.Fatalf("NaN values: error %v", err)
	}
}

// BenchmarkSolveDevice times a DCEM solve of 16 shifted quadratics in 10
// dimensions (1000 samples, 100 elites, 10 iterations, τ = 0.1), forward
// and backward through the solve, in float32 on the host and on the device
// (with the noise drawn on the host, and with DeviceNoise).
func BenchmarkSolveDevice(b *testing.B) {
	for _, name := range []string{"cpu", "opencl", "opencl/devicenoise"} {
		b.Run(name, func(b *testing.B) {
			dev := tensor.CPU
			if name != "cpu" {
				dev = testDevice(b)
			}
			const B, n = 16, 10
			g := tensor.NewRNG(1)
			target := tensor.RandNOf(tensor.Float32, g, B, 1, n).ToDevice(dev).RequiresGrad()
			f := func(x *tensor.Tensor) *tensor.Tensor { return x.Sub(target).Square().SumAxis(2, false) }
			cfg := Config{Samples: 1000, Elites: 100, Iters: 10, Temp: 0.1, Seed: 2, DeviceNoise: name == "opencl/devicenoise"}
			mu := tensor.ZerosOf(tensor.Float32, B, n).ToDevice(dev)
			sd := tensor.FullOf(tensor.Float32, 1, n).ToDevice(dev)
			run := func() {
				res, err := Solve(context.Background(), f, mu, sd, cfg)
				if err != nil {
					b.Fatal(err)
				}
				res.Mean.Sum().Backward()
				target.Grad().At(0, 0, 0) // waits for the backward pass
				target.ZeroGrad()
			}
			run()
			b.ResetTimer()
			for b.Loop() {
				run()
			}
		})
	}
}
