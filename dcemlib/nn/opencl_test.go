//go:build opencl && cgo

package nn

import (
	"math"
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

// agree fails unless got and want agree to tol relative to max(1, |want|).
func agree(t *testing.T, what string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	g, w := got.Values(), want.Values()
	if len(g) != len(w) {
		t.Fatalf("%s: %d values, want %d", what, len(g), len(w))
	}
	for i := range w {
		if d := math.Abs(g[i] - w[i]); !(d <= tol*math.Max(1, math.Abs(w[i]))) {
			t.Fatalf("%s element %d: device %.8g, host %.8g", what, i, g[i], w[i])
		}
	}
}

// TestLayersOnDevice runs a GRU cell unrolled over three steps feeding a
// perceptron (Linear layers with ELU, ReLU and tanh) on the device and on
// the host in float32: the outputs and every parameter's gradient agree,
// and the gradients stay on the device.
func TestLayersOnDevice(t *testing.T) {
	dev := testDevice(t)
	g := tensor.NewRNG(8)
	cell := NewGRUCell(7, 16, g).Convert(tensor.Float32)
	mlp := NewMLP([]int{16, 24, 24, 5}, ELU, InitUniform, g).Convert(tensor.Float32)
	mlp.Layers[1].B = nil // a layer without bias
	mlp.OutAct = Tanh
	xs := tensor.RandNOf(tensor.Float32, g, 3, 9, 7)
	h0 := tensor.RandNOf(tensor.Float32, g, 9, 16).MulScalar(0.5)
	run := func(c *GRUCell, m *MLP, d tensor.Device) *tensor.Tensor {
		h := h0.ToDevice(d)
		for s := range 3 {
			h = c.Forward(xs.Slice(0, s, s+1).Squeeze(0).ToDevice(d), h)
		}
		y := m.Forward(h)
		y.Mul(y).Sum().Backward()
		return y
	}
	yh := run(cell, mlp, tensor.CPU)
	dc, dm := cell.ToDevice(dev), mlp.ToDevice(dev)
	yd := run(dc, dm, dev)
	if yd.Device() != dev {
		t.Fatalf("output on %v, want %v", yd.Device(), dev)
	}
	agree(t, "output", yd, yh, 2e-5)
	hp := append(cell.Params(), mlp.Params()...)
	dp := append(dc.Params(), dm.Params()...)
	if len(hp) != len(dp) {
		t.Fatalf("%d parameters on the device, %d on the host", len(dp), len(hp))
	}
	for i := range hp {
		if dp[i].Device() != dev || dp[i].Grad() == nil || dp[i].Grad().Device() != dev {
			t.Fatalf("parameter %d: on %v with gradient %v", i, dp[i].Device(), dp[i].Grad())
		}
		agree(t, "gradient", dp[i].Grad(), hp[i].Grad(), 5e-5)
	}
	// InputGrad, the perceptron's fused input gradient, on the device.
	x := tensor.RandNOf(tensor.Float32, g, 4, 16)
	_, gh := mlp.Frozen().InputGrad(x, nil)
	_, gd := dm.Frozen().InputGrad(x.ToDevice(dev), nil)
	agree(t, "input gradient", gd, gh, 2e-5)
	// Back to the host, and float64 layers refused with the way out named.
	if back := dm.ToDevice(tensor.CPU); back.Layers[0].W.Device() != tensor.CPU || !back.Layers[0].W.NeedsGrad() {
		t.Fatalf("ToDevice(CPU): weights on %v", back.Layers[0].W.Device())
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "Convert(tensor.Float32)") {
			t.Fatalf("float64 layer to the device: panic %v", r)
		}
	}()
	NewLinear(2, 3, InitUniform, g).ToDevice(dev)
}
