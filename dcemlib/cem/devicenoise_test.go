package cem

import (
	"context"
	"slices"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestDeviceNoiseOnHost checks that a host solve with DeviceNoise draws
// iteration t's noise as tensor.RandNOn(CPU, Seed, t, B, S, n): it follows
// the same iterates as a solve given those draws as Noise, in float64 and
// float32 and in SolveFunc, and differs from the default solve.
func TestDeviceNoiseOnHost(t *testing.T) {
	const b, s, n, iters = 2, 30, 3, 4
	const seed = 17
	noise := make([]*tensor.Tensor, iters)
	for i := range noise {
		noise[i] = tensor.RandNOn(tensor.CPU, seed, uint64(i), b, s, n)
	}
	c := tensor.New([]float64{1, -2, 0.5, 3, 0, -1}, b, 1, n)
	base := Config{Samples: s, Elites: 5, Iters: iters, Temp: 0.5, Seed: seed}
	solveMean := func(dt tensor.DType, cfg Config) []float64 {
		t.Helper()
		res, err := Solve(context.Background(), quadratic(c.To(dt)), tensor.ZerosOf(dt, b, n), tensor.FullOf(dt, 1), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res.Mean.Values()
	}
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		counter, given, def := base, base, base
		counter.DeviceNoise = true
		given.Noise = noise
		got, want := solveMean(dt, counter), solveMean(dt, given)
		if !slices.Equal(got, want) {
			t.Errorf("%v: mean %v with DeviceNoise, %v with the same draws given", dt, got, want)
		}
		if slices.Equal(got, solveMean(dt, def)) {
			t.Errorf("%v: DeviceNoise gave the default solve's mean", dt)
		}
	}
	// SolveFunc draws (1, S, n) per iteration.
	f := func(x [][]float64) []float64 {
		v := make([]float64, len(x))
		for i, r := range x {
			for _, xv := range r {
				v[i] += (xv - 1) * (xv - 1)
			}
		}
		return v
	}
	one := make([]*tensor.Tensor, iters)
	for i := range one {
		one[i] = tensor.RandNOn(tensor.CPU, seed, uint64(i), 1, s, n)
	}
	counter, given := base, base
	counter.DeviceNoise = true
	given.Noise = one
	r1, err := SolveFunc(context.Background(), f, make([]float64, n), []float64{1}, counter)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := SolveFunc(context.Background(), f, make([]float64, n), []float64{1}, given)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r1.Mean, r2.Mean) {
		t.Errorf("SolveFunc: mean %v with DeviceNoise, %v with the same draws given", r1.Mean, r2.Mean)
	}
}
