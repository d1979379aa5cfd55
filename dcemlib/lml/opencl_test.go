//go:build opencl && cgo

package lml

import (
	"math"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// testDevice returns the device of the device tests (tensor.OpenCLFromEnv).
func testDevice(t *testing.T) tensor.Device {
	t.Helper()
	d, err := tensor.OpenCLFromEnv()
	if err != nil {
		t.Fatalf("no OpenCL device for the device tests: %v", err)
	}
	return d
}

// TestProjectOnDevice checks the device projection against the host one on
// float32 rows: values and gradients agree to float32 tolerances, and the
// result and the gradient stay on the device.
func TestProjectOnDevice(t *testing.T) {
	dev := testDevice(t)
	g := tensor.NewRNG(3)
	for _, c := range []struct {
		rows, n, k int
		tau, scale float64
	}{
		{1, 5, 2, 1, 1}, {4, 100, 10, 0.1, 1}, {3, 1000, 100, 0.05, 2}, {2, 7, 7, 1, 1}, {5, 30, 1, 0.01, 3},
	} {
		x := tensor.RandNOf(tensor.Float32, g, c.rows, c.n).MulScalar(c.scale)
		w := tensor.RandNOf(tensor.Float32, g, c.rows, c.n)
		xc := x.Clone().RequiresGrad()
		yc, err := Project(xc, c.k, c.tau, 0)
		if err != nil {
			t.Fatal(err)
		}
		yc.Mul(w).Sum().Backward()
		xd := x.ToDevice(dev).RequiresGrad()
		yd, err := Project(xd, c.k, c.tau, 0)
		if err != nil {
			t.Fatal(err)
		}
		yd.Mul(w.ToDevice(dev)).Sum().Backward()
		if yd.Device() != dev || xd.Grad().Device() != dev {
			t.Fatalf("result on %v, gradient on %v; want %v", yd.Device(), xd.Grad().Device(), dev)
		}
		for what, p := range map[string][2]*tensor.Tensor{"value": {yd, yc}, "gradient": {xd.Grad(), xc.Grad()}} {
			got, want := p[0].Values(), p[1].Values()
			for i := range want {
				if d := math.Abs(got[i] - want[i]); d > 2e-5*math.Max(1, math.Abs(want[i])/c.tau) {
					t.Fatalf("rows %d n %d k %d tau %g: %s element %d: device %.8g, host %.8g", c.rows, c.n, c.k, c.tau, what, i, got[i], want[i])
				}
			}
		}
		for r, s := range yd.SumAxis(1, false).Values() {
			if want := float64(min(c.k, c.n)); math.Abs(s-want) > 1e-3*want {
				t.Fatalf("row %d sums to %g, want %g", r, s, want)
			}
		}
	}
}

// TestProjectOnDeviceErrors checks that bad parameters and non-finite
// entries give errors naming the parameter or the row and entry.
func TestProjectOnDeviceErrors(t *testing.T) {
	dev := testDevice(t)
	x := tensor.New32([]float32{1, 2, 3, 4, float32(math.NaN()), 6}, 2, 3).ToDevice(dev)
	if _, err := Project(x, 1, 1, 0); err == nil || !strings.Contains(err.Error(), "row 1: entry 1 is NaN") {
		t.Fatalf("NaN entry: error %v", err)
	}
	if _, err := Project(x, 0, 1, 0); err == nil || !strings.Contains(err.Error(), "k = 0, want k ≥ 1") {
		t.Fatalf("k = 0: error %v", err)
	}
	if _, err := Project(x, 1, -1, 0); err == nil || !strings.Contains(err.Error(), "tau = -1") {
		t.Fatalf("tau = -1: error %v", err)
	}
}
