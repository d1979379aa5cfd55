//go:build opencl && cgo

package tensor

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The device tests run on the device that DCEM_DEVICE names, the first
// OpenCL device (pocl's CPU device in CI) when it is unset.
var testDev struct {
	once sync.Once
	d    Device
	err  error
}

func device(t testing.TB) Device {
	t.Helper()
	testDev.once.Do(func() {
		testDev.d, testDev.err = OpenCLFromEnv()
	})
	if testDev.err != nil {
		t.Fatalf("no OpenCL device for the device tests: %v", testDev.err)
	}
	return testDev.d
}

// weightedLossOn is weightedLoss for a tensor on any device.
func weightedLossOn(y *Tensor) *Tensor {
	w := make([]float32, y.Size())
	for i := range w {
		w[i] = float32(0.5 + 0.5*math.Sin(1.3*float64(i)+0.7))
	}
	return y.Mul(New32(w, y.shape...).ToDevice(y.Device())).Sum()
}

// checkOnDevice runs f on float64 host inputs and on float32 copies of them
// on dev; the device's values and gradients must agree with the float64
// ones to |dev − f64| ≤ tol·max(1, |f64|), and stay on dev.
func checkOnDevice(t *testing.T, dev Device, inputs []*Tensor, f func([]*Tensor) *Tensor, tol float64) {
	t.Helper()
	for _, x := range inputs {
		x.ZeroGrad()
	}
	y64 := f(inputs)
	weightedLoss(y64).Backward()
	in := make([]*Tensor, len(inputs))
	for i, x := range inputs {
		in[i] = x.Detach().Float32().ToDevice(dev).RequiresGrad()
	}
	y := f(in)
	if y.Device() != dev || y.DType() != Float32 {
		t.Fatalf("result on %v as %v, want %v float32", y.Device(), y.DType(), dev)
	}
	weightedLossOn(y).Backward()
	agree := func(what string, got, want *Tensor) {
		t.Helper()
		if !sameShape(got.shape, want.shape) {
			t.Fatalf("%s: shape %v, want %v", what, got.shape, want.shape)
		}
		g, w := got.Values(), want.Values()
		for i := range w {
			if d := math.Abs(g[i] - w[i]); !(d <= tol*math.Max(1, math.Abs(w[i]))) {
				t.Fatalf("%s element %d: device %.8g, cpu float64 %.8g", what, i, g[i], w[i])
			}
		}
	}
	agree("value", y, y64)
	for i := range in {
		g64 := inputs[i].Grad()
		if g64 == nil {
			continue
		}
		g := in[i].Grad()
		if g == nil || g.Device() != dev {
			t.Fatalf("input %d: no gradient on the device", i)
		}
		agree(fmt.Sprintf("gradient of input %d", i), g, g64)
	}
}

// TestDeviceOps runs every operation of the gradient checks on the
// device: values and gradients agree with the float64 CPU ones (which the
// gradient checks verify) to float32 tolerances.
func TestDeviceOps(t *testing.T) {
	dev := device(t)
	for _, c := range gradCases(NewRNG(7)) {
		t.Run(c.name, func(t *testing.T) { checkOnDevice(t, dev, c.inputs, c.f, 3e-5) })
	}
}

// TestDeviceNaN checks that the elementwise operations whose OpenCL
// built-ins drop NaN (fmax, fmin) give NaN for NaN, as the host does.
func TestDeviceNaN(t *testing.T) {
	dev := device(t)
	nan := float32(math.NaN())
	x := New32([]float32{nan, -1, 2, float32(math.Inf(-1))}, 4)
	for name, f := range map[string]func(*Tensor) *Tensor{
		"ReLU":     (*Tensor).ReLU,
		"Clamp":    func(t *Tensor) *Tensor { return t.Clamp(-0.5, 0.5) },
		"Softplus": (*Tensor).Softplus,
		"ELU":      func(t *Tensor) *Tensor { return t.ELU(1) },
	} {
		host := f(x).Values()
		got := f(x.ToDevice(dev)).Values()
		for i, w := range host {
			if g := got[i]; (g != g) != (w != w) || math.Abs(g-w) > 1e-6*math.Max(1, math.Abs(w)) {
				t.Errorf("%s(%g) on the device = %g, on the host %g", name, x.Values()[i], g, w)
			}
		}
		if !math.IsNaN(host[0]) {
			t.Errorf("%s(NaN) on the host = %g, want NaN", name, host[0])
		}
	}
}

// TestDeviceNotSupported checks that an operation without a device
// implementation panics with a message that says to move the tensor to the
// host.
func TestDeviceNotSupported(t *testing.T) {
	dev := device(t)
	x := Ones(2, 3).Float32().ToDevice(dev)
	mustPanic(t, "ToDevice(tensor.CPU)", func() { x.To(Float64) })
}

// TestDeviceLargerShapes checks the device kernels on shapes past their
// block sizes: matrix products with odd sizes, long sums that take two
// passes, reductions over long middle axes, four-axis broadcasting, and
// the shape operations, row reductions and GRU cell on larger operands.
func TestDeviceLargerShapes(t *testing.T) {
	dev := device(t)
	g := NewRNG(11)
	cases := []gradCase{
		{"MatMul/odd", []*Tensor{randLeaf(g, 67, 129), randLeaf(g, 129, 33)}, func(in []*Tensor) *Tensor { return in[0].MatMul(in[1]) }},
		{"MatMul/batched", []*Tensor{randLeaf(g, 3, 17, 40), randLeaf(g, 3, 40, 9)}, func(in []*Tensor) *Tensor { return in[0].MatMul(in[1]) }},
		{"MatMulT", []*Tensor{randLeaf(g, 4, 50, 31), randLeaf(g, 45, 31)}, func(in []*Tensor) *Tensor { return in[0].MatMulT(in[1]) }},
		{"Affine", []*Tensor{randLeaf(g, 300, 50), randLeaf(g, 50, 70), randLeaf(g, 70)}, func(in []*Tensor) *Tensor {
			return Affine(in[0], in[1].MulScalar(0.2), in[2], ActTanh)
		}},
		{"Sum/long", []*Tensor{randLeaf(g, 200003)}, func(in []*Tensor) *Tensor { return in[0].Sum() }},
		{"Mean/rows", []*Tensor{randLeaf(g, 37, 1000)}, func(in []*Tensor) *Tensor { return in[0].MeanAxis(1, false) }},
		{"SumAxis/middle", []*Tensor{randLeaf(g, 5, 300, 7)}, func(in []*Tensor) *Tensor { return in[0].SumAxis(1, true) }},
		{"Mul/4d", []*Tensor{randLeaf(g, 2, 3, 4, 5), randLeaf(g, 3, 1, 5)}, func(in []*Tensor) *Tensor { return in[0].Mul(in[1]) }},
		{"Sub/cols", []*Tensor{randLeaf(g, 2, 1, 4, 1), randLeaf(g, 3, 1, 6)}, func(in []*Tensor) *Tensor { return in[0].Sub(in[1]).Square() }},
		{"Permute/5d", []*Tensor{randLeaf(g, 2, 3, 1, 4, 5)}, func(in []*Tensor) *Tensor { return in[0].Permute(4, 0, 2, 3, 1).Square() }},
		{"Transpose/batched", []*Tensor{randLeaf(g, 3, 40, 70)}, func(in []*Tensor) *Tensor { return in[0].Transpose(1, 2).Square() }},
		{"Slice/last", []*Tensor{randLeaf(g, 20, 7, 33)}, func(in []*Tensor) *Tensor { return in[0].Slice(-1, 5, 30).Square() }},
		{"Concat/three", []*Tensor{randLeaf(g, 4, 2, 9), randLeaf(g, 4, 5, 9), randLeaf(g, 4, 1, 9)}, func(in []*Tensor) *Tensor {
			return Concat(1, in[0], in[1].Tanh(), in[2]).Square()
		}},
		{"Stack/last", []*Tensor{randLeaf(g, 6, 5), randLeaf(g, 6, 5), randLeaf(g, 6, 5)}, func(in []*Tensor) *Tensor {
			return Stack(-1, in[0], in[1], in[2]).Square()
		}},
		{"IndexSelect/repeats", []*Tensor{randLeaf(g, 3, 50, 4)}, func(in []*Tensor) *Tensor {
			return in[0].IndexSelect(1, []int{49, 0, 7, 7, 7, 3, 49}).Square()
		}},
		{"Gather/inner", []*Tensor{randLeaf(g, 2, 6, 3)}, func(in []*Tensor) *Tensor {
			idx := make([]int, 2*4*3)
			for i := range idx {
				idx[i] = (i * 7) % 6
			}
			return in[0].Gather(1, idx).Square()
		}},
		{"MaxAxis/long", []*Tensor{randLeaf(g, 7, 500, 3)}, func(in []*Tensor) *Tensor { return in[0].MaxAxis(1, true) }},
		{"LogSoftmax/long", []*Tensor{randLeaf(g, 9, 1000)}, func(in []*Tensor) *Tensor { return in[0].MulScalar(5).LogSoftmax(1) }},
		{"Softmax/middle", []*Tensor{randLeaf(g, 4, 30, 6)}, func(in []*Tensor) *Tensor { return in[0].Softmax(1) }},
		{"Standardize/rows", []*Tensor{randLeaf(g, 30, 200)}, func(in []*Tensor) *Tensor { return in[0].Standardize(1e-6) }},
		{"GRUCell/large", []*Tensor{randLeaf(g, 50, 30), randLeaf(g, 50, 40), randLeaf(g, 30, 120), randLeaf(g, 120),
			randLeaf(g, 40, 120), randLeaf(g, 120)}, func(in []*Tensor) *Tensor {
			return GRUCell(in[0], in[1].Tanh(), in[2].MulScalar(0.2), in[3], in[4].MulScalar(0.2), in[5])
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkOnDevice(t, dev, c.inputs, c.f, 2e-4) })
	}
}

// mlpParams returns the parameters of a three-layer perceptron, float32.
func mlpParams(g *RNG, sizes ...int) []*Tensor {
	var ps []*Tensor
	for i := 0; i+1 < len(sizes); i++ {
		w := RandN(g, sizes[i], sizes[i+1]).MulScalar(1 / math.Sqrt(float64(sizes[i])))
		ps = append(ps, w.Float32(), RandN(g, sizes[i+1]).MulScalar(0.1).Float32())
	}
	return ps
}

// mlpLoss is the mean squared error of a perceptron with tanh, softplus
// and identity layers.
func mlpLoss(ps []*Tensor, x, y *Tensor) *Tensor {
	h := Affine(x, ps[0], ps[1], ActTanh)
	h = Affine(h, ps[2], ps[3], ActSoftplus)
	h = Affine(h, ps[4], ps[5], ActIdentity)
	return h.Sub(y).Square().Mean()
}

// trainMLP takes steps of gradient descent on dev and returns the losses
// and the final parameters on the host.
func trainMLP(dev Device, steps int) ([]float64, [][]float64) {
	g := NewRNG(5)
	ps := mlpParams(g, 8, 32, 32, 4)
	x := RandN(g, 64, 8).Float32().ToDevice(dev)
	y := RandN(g, 64, 4).Float32().ToDevice(dev)
	for i, p := range ps {
		ps[i] = p.ToDevice(dev).RequiresGrad()
	}
	var losses []float64
	for s := 0; s < steps; s++ {
		loss := mlpLoss(ps, x, y)
		losses = append(losses, loss.Item())
		loss.Backward()
		for i, p := range ps {
			ps[i] = p.Sub(p.Grad().MulScalar(0.1)).Detach().RequiresGrad()
		}
	}
	var out [][]float64
	for _, p := range ps {
		out = append(out, p.Values())
	}
	return losses, out
}

// TestDeviceMLP trains a small perceptron on the device and on the CPU in
// float32: the losses of every step and the trained parameters agree.
func TestDeviceMLP(t *testing.T) {
	dev := device(t)
	lc, pc := trainMLP(CPU, 5)
	ld, pd := trainMLP(dev, 5)
	if !(lc[len(lc)-1] < lc[0]) {
		t.Fatalf("CPU losses %v do not fall", lc)
	}
	for i := range lc {
		if math.Abs(lc[i]-ld[i]) > 1e-5*math.Max(1, lc[i]) {
			t.Fatalf("step %d: loss %.8g on the device, %.8g on the CPU", i, ld[i], lc[i])
		}
	}
	for i := range pc {
		for j := range pc[i] {
			if math.Abs(pc[i][j]-pd[i][j]) > 1e-5*math.Max(1, math.Abs(pc[i][j])) {
				t.Fatalf("parameter %d element %d: %.8g on the device, %.8g on the CPU", i, j, pd[i][j], pc[i][j])
			}
		}
	}
}

// TestDeviceMoves checks that gradients flow through moves between the
// host and the device both ways.
func TestDeviceMoves(t *testing.T) {
	dev := device(t)
	x := New32([]float32{-1, 0.5, 2}).RequiresGrad()
	x.ToDevice(dev).Exp().Sum().Backward()
	for i, v := range x.Grad().Values() {
		if want := math.Exp(x.At(i)); math.Abs(v-want) > 1e-6*want {
			t.Fatalf("host gradient through the device: %v, want exp(x)", x.Grad())
		}
	}
	d := New32([]float32{1, -2, 3}).ToDevice(dev).RequiresGrad()
	h := d.ToDevice(CPU)
	if h.Device() != CPU {
		t.Fatalf("ToDevice(CPU) gives a tensor on %v", h.Device())
	}
	h.Square().Sum().Backward()
	if g := d.Grad(); g.Device() != dev || !slices.Equal(g.Values(), []float64{2, -4, 6}) {
		t.Fatalf("device gradient through the host: %v, want [2 -4 6] on %v", g, dev)
	}
	// Gradients accumulate across Backward calls until ZeroGrad.
	d.MulScalar(3).Sum().Backward()
	if !slices.Equal(d.Grad().Values(), []float64{5, -1, 9}) {
		t.Fatalf("accumulated gradient %v, want [5 -1 9]", d.Grad())
	}
	d.ZeroGrad()
	d.Sum().Backward()
	if !slices.Equal(d.Grad().Values(), []float64{1, 1, 1}) {
		t.Fatalf("gradient after ZeroGrad %v, want ones", d.Grad())
	}
}

// TestDeviceAccessors checks reading and writing device tensors from the
// host.
func TestDeviceAccessors(t *testing.T) {
	dev := device(t)
	x := New32([]float32{1, 2, 3, 4, 5, 6}, 2, 3).ToDevice(dev)
	if !x.OnDevice() || x.Size() != 6 || !slices.Equal(x.Shape(), []int{2, 3}) {
		t.Fatalf("device tensor: OnDevice %v, size %d, shape %v", x.OnDevice(), x.Size(), x.Shape())
	}
	d := x.Data32()
	d[0] = 100 // a copy: the tensor does not change
	if x.At(0, 0) != 1 || x.At(1, 2) != 6 || x.Sum().Item() != 21 {
		t.Fatalf("At/Item after writing the copy: %v", x)
	}
	c := x.Clone()
	x.Set(-1, 0, 1)
	x.SetValues([]float64{0, 0, 0, 0, 0, 7})
	if !slices.Equal(c.Values(), []float64{1, 2, 3, 4, 5, 6}) || x.At(1, 2) != 7 || c.Device() != dev {
		t.Fatalf("Clone is not independent: clone %v, x %v", c, x)
	}
	if s := c.String(); !strings.Contains(s, "device=opencl:") || !strings.Contains(s, "[4, 5, 6]") {
		t.Fatalf("String() = %q", s)
	}
	if c.HasNaN() || !c.Log().AddScalar(-1).Log().HasNaN() {
		t.Fatalf("HasNaN on the device")
	}
	r := c.Reshape(3, 2)
	if r.At(2, 1) != 6 || r.Device() != dev {
		t.Fatalf("Reshape on the device: %v", r)
	}
}

// TestDeviceMixingPanics checks that operations on tensors of different
// devices, or float64 tensors moved to a device, panic with messages that
// name both sides.
func TestDeviceMixingPanics(t *testing.T) {
	dev := device(t)
	a := Ones(2, 3).Float32().ToDevice(dev)
	b := Ones(3).Float32()
	mustPanic(t, "tensor.Add: operands on different devices: opencl:", func() { a.Add(b) })
	mustPanic(t, "and cpu (shape [3])", func() { a.Add(b) })
	mustPanic(t, "(shape [2 3]) and opencl:", func() { Ones(2, 3).Float32().Mul(a) })
	mustPanic(t, "different devices", func() { Ones(4, 2).Float32().MatMul(Ones(2, 2).Float32().ToDevice(dev)) })
	mustPanic(t, "different devices", func() { Affine(a, Ones(3, 2).Float32().ToDevice(dev), Ones(2).Float32(), ActReLU) })
	mustPanic(t, "device tensors are float32", func() { Ones(2).ToDevice(dev) })
	mustPanic(t, "arenas hold host tensors", func() { NewArena().Use(a) })
}

// TestOpenCLErrors checks that a bad device index, and a machine without
// an OpenCL platform, give errors, not crashes. The second runs in a child
// process whose ICD loader finds no drivers.
func TestOpenCLErrors(t *testing.T) {
	device(t)
	if _, err := OpenCL(1 << 20); err == nil || !strings.Contains(err.Error(), "no OpenCL device 1048576") {
		t.Fatalf("OpenCL(1<<20): error %v", err)
	}
	if os.Getenv("DCEM_TEST_NO_PLATFORM") == "1" {
		t.Skip("in the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenCLNoPlatform$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "DCEM_TEST_NO_PLATFORM=1", "OCL_ICD_VENDORS="+t.TempDir(), "DCEM_DEVICE=opencl:0")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestOpenCLNoPlatform") {
		t.Fatalf("child without OpenCL drivers: %v\n%s", err, out)
	}
}

// TestOpenCLNoPlatform runs in the child of TestOpenCLErrors.
func TestOpenCLNoPlatform(t *testing.T) {
	if os.Getenv("DCEM_TEST_NO_PLATFORM") != "1" {
		t.Skip("runs in a child process of TestOpenCLErrors")
	}
	if _, err := OpenCL(0); err == nil || !strings.Contains(err.Error(), "no OpenCL platform") {
		t.Fatalf("OpenCL(0) without drivers: error %v", err)
	}
	if _, err := DeviceFromEnv(); err == nil || !strings.Contains(err.Error(), "DCEM_DEVICE=opencl:0") {
		t.Fatalf("DeviceFromEnv without drivers: error %v", err)
	}
	if _, err := OpenCLDevices(); err == nil {
		t.Fatal("OpenCLDevices without drivers: no error")
	}
}

// TestOpenCLListsDevices prints the OpenCL devices (tests/device/run.sh
// reads the list) and checks that Backends names OpenCL.
func TestOpenCLListsDevices(t *testing.T) {
	if !slices.Contains(Backends(), "opencl") {
		t.Fatalf("Backends() = %v", Backends())
	}
	list, err := OpenCLDevices()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range list {
		t.Log(l)
	}
	t.Log("testing on", device(t))
}

// TestDevicePhiloxUniforms checks that the device's counter-based
// uniforms are the host's bit for bit (seeds and streams with their high
// words set, lengths that end inside a block), and that uniforms on other
// bounds agree to a unit in the last place of the larger bound (the device
// may fuse lo + w·u into one rounding).
func TestDevicePhiloxUniforms(t *testing.T) {
	dev := device(t)
	for _, c := range []struct {
		seed, stream uint64
		n            int
	}{{0, 0, 1}, {1, 2, 4}, {0xffffffffffffffff, 0xffffffffffffffff, 1001}, {0x123456789abcdef0, 1 << 33, 1<<18 + 3}} {
		got := RandUOn(dev, c.seed, c.stream, 0, 1, c.n)
		if got.Device() != dev || got.DType() != Float32 {
			t.Fatalf("RandUOn on %v as %v, want %v float32", got.Device(), got.DType(), dev)
		}
		g, w := got.Data32(), RandUOn(CPU, c.seed, c.stream, 0, 1, c.n).Data32()
		for i := range w {
			if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
				t.Fatalf("seed %#x stream %#x: uniform %d is %g on the device, %g on the host", c.seed, c.stream, i, g[i], w[i])
			}
		}
	}
	g, w := RandUOn(dev, 5, 6, -3, 7, 999).Data32(), RandUOn(CPU, 5, 6, -3, 7, 999).Data32()
	for i := range w {
		if d := math.Abs(float64(g[i] - w[i])); d > ulp32(7) {
			t.Fatalf("uniform %d on [−3, 7) is %g on the device, %g on the host", i, g[i], w[i])
		}
	}
}

// ulp32 is the spacing of float32 values at v.
func ulp32(v float32) float64 {
	a := float32(math.Abs(float64(v)))
	return float64(math.Nextafter32(a, float32(math.Inf(1))) - a)
}

// TestDevicePhiloxNormals checks the device's counter-based normals
// against the host's, to float32 rounding of the device's log, sqrt, sin
// and cos: |device − host| ≤ 16 units in the last place of max(|host|,
// 1/4) (OpenCL allows log 3, sqrt 3, sinpi and cospi 4 ulp), over 2²⁰ + 3
// draws; and the device's draws pass the host's statistical checks.
func TestDevicePhiloxNormals(t *testing.T) {
	dev := device(t)
	for _, seed := range []uint64{1, 0xfedcba9876543210} {
		got := RandNOn(dev, seed, 11, 1, statDraws+3)
		if got.Device() != dev || got.DType() != Float32 || !slices.Equal(got.Shape(), []int{1, statDraws + 3}) {
			t.Fatalf("RandNOn: shape %v on %v as %v, want [1 %d] on %v float32", got.Shape(), got.Device(), got.DType(), statDraws+3, dev)
		}
		g, w := got.Data32(), RandNOn(CPU, seed, 11, 1, statDraws+3).Data32()
		worst := 0.0
		for i := range w {
			u := ulp32(float32(math.Max(math.Abs(float64(w[i])), 0.25)))
			d := math.Abs(float64(g[i])-float64(w[i])) / u
			if !(d <= 16) {
				t.Fatalf("seed %#x: normal %d is %.9g on the device, %.9g on the host (%.1f ulp)", seed, i, g[i], w[i], d)
			}
			worst = max(worst, d)
		}
		t.Logf("seed %#x: the device's normals are within %.1f ulp of the host's", seed, worst)
		checkNormalStats(t, g)
	}
}

// TestDevicePhiloxShapes checks scalars, empty tensors and the panics for
// bad shapes on the device.
func TestDevicePhiloxShapes(t *testing.T) {
	dev := device(t)
	x, want := RandNOn(dev, 1, 2), RandNOn(CPU, 1, 2).Item()
	if x.Dims() != 0 || x.Device() != dev || math.Abs(x.Item()-want) > 1e-5 {
		t.Errorf("scalar: shape %v on %v, value %g, want %g", x.Shape(), x.Device(), x.Item(), want)
	}
	if x := RandNOn(dev, 1, 2, 0, 5); x.Size() != 0 || x.Device() != dev {
		t.Errorf("empty: shape %v on %v", x.Shape(), x.Device())
	}
	mustPanic(t, "tensor.RandNOn: negative length -1", func() { RandNOn(dev, 1, 2, 3, -1) })
	mustPanic(t, "tensor.RandNOn: shape [65536 32768] has 2147483648 elements", func() { RandNOn(dev, 1, 2, 1<<16, 1<<15) })
	mustPanic(t, "tensor.RandUOn: lo = 2 > hi = 1", func() { RandUOn(dev, 1, 2, 2, 1, 3) })
}

// The benchmarks time a float32 matrix product and a training step of a
// perceptron of the planner's batch size on the CPU and on the device.
func benchDevices(b *testing.B) []Device {
	return []Device{CPU, device(b)}
}

func devName(d Device) string {
	if d.IsCPU() {
		return "cpu"
	}
	return "opencl"
}

func BenchmarkDeviceGEMM(b *testing.B) {
	for _, n := range []int{256, 1024} {
		for _, dev := range benchDevices(b) {
			b.Run(fmt.Sprintf("n=%d/%s", n, devName(dev)), func(b *testing.B) {
				g := NewRNG(1)
				x := RandN(g, n, n).Float32().ToDevice(dev)
				y := RandN(g, n, n).Float32().ToDevice(dev)
				x.MatMul(y).At(0, 0) // compiles the device's kernels
				b.ResetTimer()
				for b.Loop() {
					x.MatMul(y).At(0, 0) // reading an element waits for the product
				}
				b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

func BenchmarkDeviceRandN(b *testing.B) {
	for _, dev := range benchDevices(b) {
		b.Run(devName(dev), func(b *testing.B) {
			RandNOn(dev, 1, 0, 4).At(0) // compiles the device's kernels
			b.SetBytes(4 << 20)
			for i := 0; b.Loop(); i++ {
				RandNOn(dev, 1, uint64(i), 1<<20).At(0) // reading an element waits for the kernel
			}
		})
	}
}

func BenchmarkDeviceMLP(b *testing.B) {
	for _, dev := range benchDevices(b) {
		b.Run(devName(dev), func(b *testing.B) {
			g := NewRNG(1)
			ps := mlpParams(g, 32, 256, 256, 32)
			for i, p := range ps {
				ps[i] = p.ToDevice(dev).RequiresGrad()
			}
			x := RandN(g, 1000, 32).Float32().ToDevice(dev)
			y := RandN(g, 1000, 32).Float32().ToDevice(dev)
			mlpLoss(ps, x, y).Item()
			b.ResetTimer()
			for b.Loop() {
				loss := mlpLoss(ps, x, y)
				loss.Backward()
				ps[0].Grad().At(0, 0) // waits for the backward pass
			}
		})
	}
}
