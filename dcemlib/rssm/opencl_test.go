//go:build opencl && cgo

package rssm

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/control"
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

// TestImaginationOnDevice: the returns imagined on the device agree with
// the host's for the same seed, over two calls (the noise stream goes on);
// a planner decision runs on the device imagination; UseDevice(CPU) goes
// back to the host, and a float64 model is refused.
func TestImaginationOnDevice(t *testing.T) {
	dev := testDevice(t)
	const n, H = 37, 5
	_, host := startedImagination(t, tensor.Float32, 5, 2)
	_, onDev := startedImagination(t, tensor.Float32, 5, 2)
	if err := onDev.UseDevice(dev); err != nil {
		t.Fatal(err)
	}
	if onDev.Device() != dev || host.Device() != tensor.CPU {
		t.Fatalf("devices %v and %v", onDev.Device(), host.Device())
	}
	actions := make([]float32, n*H*2)
	tensor.NewRNG(5).FillUniform32(actions, -1, 1)
	for call := range 2 {
		rh, rd := make([]float32, n), make([]float32, n)
		if err := host.PredictReturns(context.Background(), actions, n, H, rh); err != nil {
			t.Fatal(err)
		}
		if err := onDev.PredictReturns(context.Background(), actions, n, H, rd); err != nil {
			t.Fatal(err)
		}
		for i := range rh {
			if d := math.Abs(float64(rd[i] - rh[i])); d > 1e-4*(1+math.Abs(float64(rh[i]))) {
				t.Fatalf("call %d: return %d = %g on the device, %g on the host", call, i, rd[i], rh[i])
			}
		}
	}
	p := control.CEMPlanner{Horizon: 4, Candidates: 30, Elites: 5, Iterations: 2, InitStd: 1, Lower: -1, Upper: 1}
	plan, err := p.Plan(context.Background(), onDev, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 4*2 {
		t.Fatalf("plan of %d values, want 8", len(plan))
	}
	for _, v := range plan {
		if !(v >= -1 && v <= 1) {
			t.Fatalf("plan %v outside the bounds", plan)
		}
	}
	if err := onDev.UseDevice(tensor.CPU); err != nil || onDev.Device() != tensor.CPU {
		t.Fatalf("UseDevice(CPU): %v, device %v", err, onDev.Device())
	}
	m64, _ := New(Default(5, 2), tensor.Float64, tensor.NewRNG(4))
	im64, _ := m64.NewImagination(1, 1)
	if err := im64.UseDevice(dev); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Fatalf("float64 model: error %v", err)
	}
}

// BenchmarkPlanDevice times one planner decision of a reduced PlaNet CEM
// (200 candidates, horizon 12, 3 iterations, 20 elites) on a cheetah-sized
// model, imagined on the host's workers and on the device. It reports the
// rate of the imagination's matrix products as GFLOP/s.
func BenchmarkPlanDevice(b *testing.B) {
	for _, name := range []string{"cpu", "opencl"} {
		b.Run(name, func(b *testing.B) {
			m, im := startedImagination(b, tensor.Float32, 17, 6)
			if name == "opencl" {
				if err := im.UseDevice(testDevice(b)); err != nil {
					b.Fatal(err)
				}
			}
			sec := benchPlans(b, m, im, control.CEMPlanner{Horizon: 12, Candidates: 200, Elites: 20, Iterations: 3, InitStd: 1, Lower: -1, Upper: 1})
			b.ReportMetric(sec*1e3, "ms/decision")
		})
	}
}
