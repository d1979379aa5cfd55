package tensor

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Device is where a tensor's values live and where operations on it run:
// the host (CPU, the zero value) or an OpenCL device (see OpenCL; binaries
// built with the opencl tag only). Tensors live on the host unless moved
// with ToDevice; an operation on device tensors runs on their device and
// makes its result, and during Backward the gradients, there. Device
// tensors are float32. Devices compare with ==.
//
// On a device run the matrix products (MatMul, MatMulT), Affine, GRUCell,
// the elementwise operations (Add, Sub, Mul, Div, Maximum, Minimum with
// broadcasting; the scalar operations; Square, Sqrt, Pow, Exp, Log, Abs,
// Sin, Cos, Sigmoid, Tanh, Softplus, ReLU, ELU, Clamp; Where, whose
// condition may live anywhere), the reductions Sum, Mean, SumAxis,
// MeanAxis, MaxAxis, MinAxis and LogSumExp, Softmax and LogSoftmax,
// Standardize, the shape operations (Reshape and its relatives, Permute,
// Transpose, T, Slice, Concat, Stack, IndexSelect, Gather, Expand), and the
// LML projection (LMLOnDevice, which package lml's Project calls), each with
// its gradient, and the counter-based samplers RandNOn and RandUOn
// (Philox-4×32-10; normals by Box–Muller), which draw on the device and give
// the same numbers on every device for the same seed and stream. RNG's draws
// (RandN, RandNOf, RandU) are made on the host and moved, so a device
// computation given them sees the same numbers as the host for the same
// seed. Conversions to float64 panic with a message that says to move the
// tensor to the CPU.
type Device struct{ b backend }

// CPU is the host, where tensors live unless moved.
var CPU = Device{}

// String names the device: "cpu", or "opencl:N (the device's name)".
func (d Device) String() string {
	if d.b == nil {
		return "cpu"
	}
	return d.b.name()
}

// IsCPU reports whether d is the host.
func (d Device) IsCPU() bool { return d.b == nil }

// DeviceEnv is the environment variable DeviceFromEnv reads.
const DeviceEnv = "DCEM_DEVICE"

// ParseDevice returns the device a name selects: "cpu" (or ""), "opencl"
// (the first OpenCL device) or "opencl:N" (the N-th OpenCL device, counted
// over all platforms in the order clinfo lists them). It returns an error
// for other names and when the OpenCL device cannot be opened.
func ParseDevice(name string) (Device, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	switch {
	case s == "" || s == "cpu":
		return CPU, nil
	case s == "opencl":
		return OpenCL(0)
	case strings.HasPrefix(s, "opencl:"):
		i, err := strconv.Atoi(s[len("opencl:"):])
		if err != nil || i < 0 {
			return CPU, fmt.Errorf("tensor: device %q: want opencl:N with N a device index ≥ 0", name)
		}
		return OpenCL(i)
	}
	return CPU, fmt.Errorf("tensor: unknown device %q: want cpu, opencl or opencl:N", name)
}

// DeviceFromEnv returns the device that the environment variable
// DCEM_DEVICE names (see ParseDevice), or CPU when it is unset.
func DeviceFromEnv() (Device, error) {
	d, err := ParseDevice(os.Getenv(DeviceEnv))
	if err != nil {
		return CPU, fmt.Errorf("%s=%s: %w", DeviceEnv, os.Getenv(DeviceEnv), err)
	}
	return d, nil
}

// OpenCLFromEnv returns the OpenCL device that DCEM_DEVICE names, or the
// first OpenCL device when the variable is unset or "cpu": the device that
// the device tests (make test-opencl, tests/device/run.sh) run on. It
// returns an error when no such device can be opened, in binaries built
// without the opencl tag too.
func OpenCLFromEnv() (Device, error) {
	env := os.Getenv(DeviceEnv)
	name := env
	if s := strings.ToLower(strings.TrimSpace(env)); s == "" || s == "cpu" {
		name = "opencl:0"
	}
	d, err := ParseDevice(name)
	if err != nil {
		return CPU, fmt.Errorf("%s=%s: %w", DeviceEnv, env, err)
	}
	return d, nil
}

// Backends lists the compute backends built into the binary: "cpu"
// (with the BLAS that BLASBackend names), and "opencl" in binaries built
// with the opencl tag.
func Backends() []string {
	if openCLBuilt {
		return []string{"cpu", "opencl"}
	}
	return []string{"cpu"}
}

// backend is a device's implementation: storage and the kernels that the
// engine's operations on device tensors are made of. Storage is float32.
// Kernels are queued in order on the device; reads wait for them. Errors of
// the device panic (an operation cannot return one).
type backend interface {
	name() string
	// alloc returns storage for n values, zeros when zero is set.
	alloc(n int, zero bool) devMem
	// write copies src into m from element off; read copies from element
	// off of m into dst.
	write(m devMem, off int, src []float32)
	read(dst []float32, m devMem, off int)
	copyMem(dst, src devMem, n int)
	fill(m devMem, n int, v float32)
	// axpy adds alpha·src into dst for n elements.
	axpy(dst, src devMem, n int, alpha float32)
	// gemm computes C = op(A)·op(B) + beta·C for row-major matrices at
	// element offsets oa, ob, oc with row strides lda, ldb, ldc; op(A) is
	// m×k and op(B) k×n.
	gemm(transA, transB bool, m, n, k int, a devMem, oa, lda int, b devMem, ob, ldb int, beta float32, c devMem, oc, ldc int)
	// unary writes f(x) into out (out may be x); unaryGrad writes (acc:
	// adds) g·f'(x) into dst, given the input x and the output y.
	unary(k unKind, out, x devMem, n int, p, q float32)
	unaryGrad(k unKind, dst, g, x, y devMem, n int, p, q float32, acc bool)
	// binary writes a ∘ b into out over the merged broadcast layout bc;
	// binaryGrad writes (or with accA/accB adds) the elementwise partial
	// gradients g·∂/∂a and g·∂/∂b, laid out like out, into da and db
	// (either may be nil).
	binary(k binKind, out, a, b devMem, bc *bcast, n int)
	binaryGrad(k binKind, da, db, g, a, b devMem, bc *bcast, n int, accA, accB bool)
	// reduceTo adds scale times src, laid out like the broadcast result
	// with the merged axes dims, summed down to dst (strides st, 0 on the
	// broadcast axes; dst has n elements).
	reduceTo(dst, src devMem, n int, dims, st []int, scale float32)
	// sumRows writes (acc: adds) scale times the sums of the rows×n
	// matrix x into out; sumInner sums x laid out (outer, n, inner) over
	// its middle axis.
	sumRows(out, x devMem, rows, n int, scale float32, acc bool)
	sumInner(out, x devMem, outer, n, inner int, acc bool)
	// spread adds scale·g[o, i] into dst[o, j, i] for dst laid out
	// (outer, n, inner): the gradient of the sums.
	spread(dst, g devMem, outer, n, inner int, scale float32)
	// fillRows copies the n values of b into every row of out.
	fillRows(out, b devMem, rows, n int)
	// kernel queues the device kernel name over global work items (in
	// groups of local; 0 for the runtime's choice) with the arguments
	// bufs, then ints, then floats: the operations past the core ones
	// (shape operations, row reductions, GRU gates, LML) call their
	// kernels through it.
	kernel(name string, global, local int, bufs []devMem, ints []int, floats []float32)
	// writeInts and readInts copy int32 values (indices, statuses) into
	// and out of storage allocated for at least as many elements.
	writeInts(m devMem, src []int32)
	readInts(dst []int32, m devMem)
}

// devMem is storage on a device.
type devMem interface {
	back() backend
	// free gives the storage back to its device for reuse; nothing may use
	// it afterwards.
	free()
}

// unKind names an elementwise function of one tensor on a device; the
// values are those of the OpenCL kernels.
type unKind int32

const (
	unSquare unKind = iota
	unSqrt
	unExp
	unLog
	unAbs
	unSin
	unCos
	unSigmoid
	unTanh
	unSoftplus
	unReLU
	unELU // parameter α
	unPow // parameter p
	unClamp
	unAddScalar
	unMulScalar
	// unSoftplusOut is softplus with its derivative taken from the output
	// (Affine keeps no input).
	unSoftplusOut
)

var unNames = [...]string{"Square", "Sqrt", "Exp", "Log", "Abs", "Sin", "Cos", "Sigmoid", "Tanh", "Softplus",
	"ReLU", "ELU", "Pow", "Clamp", "AddScalar", "MulScalar", "Softplus"}

// Device returns the device the tensor's values live on.
func (t *Tensor) Device() Device {
	if t.dev == nil {
		return CPU
	}
	return Device{t.dev.back()}
}

// OnDevice reports whether the tensor lives on a device other than the
// host.
func (t *Tensor) OnDevice() bool { return t.dev != nil }

// ToDevice returns t moved to device d (t itself if it is there already):
// a copy of its values in d's memory. Tensors on a device are float32: a
// float64 tensor panics (convert it with Float32 first). The move is
// recorded: the gradient flows back to t, so a host leaf can be trained
// through device operations; to make a leaf on the device, move a tensor
// that takes no part in the graph and mark the result RequiresGrad.
func (t *Tensor) ToDevice(d Device) *Tensor {
	t.checkLive()
	if t.Device() == d {
		return t
	}
	if t.dev != nil && d.b != nil { // between two devices: through the host
		return t.ToDevice(CPU).ToDevice(d)
	}
	if d.b == nil { // device → host
		out := make([]float32, t.Size())
		t.dev.back().read(out, t.dev, 0)
		r := &Tensor{shape: cloneInts(t.shape), dtype: Float32, data32: out}
		if t.node != nil {
			b, in := t.dev.back(), t.node
			r.node = &node{size: len(out), dtype: Float32, result: true, name: "ToDevice(cpu)",
				op: &op{inputs: []*node{in}, run: func(n *node) {
					tmp := b.alloc(len(n.gbuf32), false)
					b.write(tmp, 0, n.gbuf32)
					b.axpy(devSlot(in, b), tmp, len(n.gbuf32), 1)
					tmp.free()
				}}}
		}
		return r
	}
	if t.dtype != Float32 {
		panic(fmt.Sprintf("tensor.ToDevice: tensor of shape %v is %v; device tensors are float32: convert it with Float32 first", t.shape, t.dtype))
	}
	b := d.b
	m := b.alloc(len(t.data32), false)
	b.write(m, 0, t.data32)
	r := &Tensor{shape: cloneInts(t.shape), dtype: Float32, dev: m}
	if t.node != nil && (t.arena == nil || !t.arena.noGrad) {
		in, n := t.node, len(t.data32)
		r.node = &node{size: n, dtype: Float32, result: true, name: "ToDevice(" + d.String() + ")",
			op: &op{inputs: []*node{in}, run: func(out *node) {
				tmp := make([]float32, n)
				b.read(tmp, out.dgbuf, 0)
				addInto(slot[float32](in), tmp)
			}}}
	}
	return r
}

// devOf returns the backend of the operands of an operation named fn,
// panicking, with both devices and shapes named, when they are not all on
// the same device or one is on the host. Nil operands are skipped.
func devOf(fn string, ts ...*Tensor) backend {
	var first *Tensor
	for _, u := range ts {
		if u == nil {
			continue
		}
		u.checkLive()
		if first == nil {
			first = u
			continue
		}
		if u.Device() != first.Device() {
			panic(fmt.Sprintf("tensor.%s: operands on different devices: %v (shape %v) and %v (shape %v); move one with ToDevice",
				fn, first.Device(), first.shape, u.Device(), u.shape))
		}
	}
	if first.dev == nil {
		panic("tensor: internal error: " + fn + " dispatched to a device for host operands")
	}
	return first.dev.back()
}

// onDevice reports whether any operand lives on a device.
func onDevice(ts ...*Tensor) bool {
	for _, u := range ts {
		if u != nil && u.dev != nil {
			return true
		}
	}
	return false
}

// notOnDevice panics for an operation that has no device implementation.
func (t *Tensor) notOnDevice() {
	panic(fmt.Sprintf("tensor: this operation does not run on %v yet (operand of shape %v); "+
		"move the tensor to the host with ToDevice(tensor.CPU)", t.Device(), t.shape))
}

// devResult wraps device storage as a float32 tensor.
func devResult(m devMem, shape []int) *Tensor {
	return &Tensor{shape: cloneInts(shape), dtype: Float32, dev: m}
}

// recordDev attaches an operation on device tensors to t when an input
// needs a gradient: backward adds each input's gradient (device storage,
// nil where none is needed) for the result's gradient g.
func recordDev(t *Tensor, name string, inputs []*Tensor, backward func(g devMem, grads []devMem)) {
	ins := gradInputs(inputs)
	if ins == nil {
		return
	}
	b := t.dev.back()
	t.node = &node{size: t.Size(), dtype: Float32, result: true, name: name, op: &op{inputs: ins, run: func(out *node) {
		grads := make([]devMem, len(ins))
		for i, in := range ins {
			if in != nil {
				grads[i] = devSlot(in, b)
			}
		}
		backward(out.dgbuf, grads)
	}}}
}

// devSlot is slot for a node on a device.
func devSlot(n *node, b backend) devMem {
	if !n.result {
		if n.dgrad == nil {
			n.dgrad = b.alloc(n.size, true)
		} else if !n.hasGrad {
			b.fill(n.dgrad, n.size, 0)
		}
		n.hasGrad = true
		return n.dgrad
	}
	if n.dgbuf == nil {
		n.dgbuf = b.alloc(n.size, true)
	}
	return n.dgbuf
}

// devRead returns a host copy of a device tensor's values.
func (t *Tensor) devRead() []float32 {
	out := make([]float32, t.Size())
	t.dev.back().read(out, t.dev, 0)
	return out
}

// devUnary applies an elementwise function on the device.
func devUnary(k unKind, t *Tensor, p, q float64) *Tensor {
	b := devOf(unNames[k], t)
	n := t.Size()
	out := b.alloc(n, false)
	b.unary(k, out, t.dev, n, float32(p), float32(q))
	r := devResult(out, t.shape)
	x := t.dev
	recordDev(r, unNames[k], []*Tensor{t}, func(g devMem, grads []devMem) {
		b.unaryGrad(k, grads[0], g, x, out, n, float32(p), float32(q), true)
	})
	return r
}

// devBinary applies k elementwise with broadcasting on the device.
func devBinary(k binKind, a, c *Tensor) *Tensor {
	name := binNames[k]
	b := devOf(name, a, c)
	shape := broadcastShape(name, a.shape, c.shape)
	n := checkShape(name, shape)
	bc := newBcast(a.shape, c.shape, shape)
	if len(bc.dims) > maxDevAxes {
		panic(fmt.Sprintf("tensor.%s: broadcasting %v with %v needs %d axis groups; the device supports %d",
			name, a.shape, c.shape, len(bc.dims), maxDevAxes))
	}
	out := b.alloc(n, false)
	b.binary(k, out, a.dev, c.dev, bc, n)
	r := devResult(out, shape)
	as, cs := a.shape, c.shape
	am, cm := a.dev, c.dev
	recordDev(r, name, []*Tensor{a, c}, func(g devMem, grads []devMem) {
		ga, gc := grads[0], grads[1]
		if k == binAdd || k == binSub {
			if ga != nil {
				devReduceTo(b, ga, as, g, shape, 1)
			}
			if gc != nil {
				sign := float32(1)
				if k == binSub {
					sign = -1
				}
				devReduceTo(b, gc, cs, g, shape, sign)
			}
			return
		}
		// Operands of the result's shape take their partials directly;
		// broadcast ones through a temporary summed down to their shape.
		fullA, fullC := sameShape(as, shape), sameShape(cs, shape)
		da, dc := ga, gc
		if ga != nil && !fullA {
			da = b.alloc(n, false)
			defer da.free()
		}
		if gc != nil && !fullC {
			dc = b.alloc(n, false)
			defer dc.free()
		}
		b.binaryGrad(k, da, dc, g, am, cm, bc, n, fullA, fullC)
		if ga != nil && !fullA {
			devReduceTo(b, ga, as, da, shape, 1)
		}
		if gc != nil && !fullC {
			devReduceTo(b, gc, cs, dc, shape, 1)
		}
	})
	return r
}

// maxDevAxes is the most merged broadcast axes the device kernels take.
const maxDevAxes = 4

// devReduceTo adds scale times g (laid out as shape out) summed down to
// shape into dst: the gradient of broadcasting.
func devReduceTo(b backend, dst devMem, shape []int, g devMem, out []int, scale float32) {
	n := checkShape("reduce", shape)
	if sameShape(shape, out) {
		b.axpy(dst, g, n, scale)
		return
	}
	bc := newBcast(shape, shape, out)
	b.reduceTo(dst, g, n, bc.dims, bc.sa, scale)
}

// devSum sums all elements on the device.
func devSum(t *Tensor) *Tensor {
	b := devOf("Sum", t)
	n := t.Size()
	out := b.alloc(1, false)
	b.sumRows(out, t.dev, 1, n, 1, false)
	r := devResult(out, nil)
	recordDev(r, "Sum", []*Tensor{t}, func(g devMem, grads []devMem) {
		b.spread(grads[0], g, 1, n, 1, 1)
	})
	return r
}

// devSumAxis sums over one axis on the device.
func devSumAxis(t *Tensor, axis int, keepDim bool) *Tensor {
	b := devOf("SumAxis", t)
	outer, n, inner := t.split(axis)
	out := b.alloc(outer*inner, false)
	if inner == 1 {
		b.sumRows(out, t.dev, outer, n, 1, false)
	} else {
		b.sumInner(out, t.dev, outer, n, inner, false)
	}
	r := devResult(out, t.reducedShape(axis, keepDim))
	recordDev(r, "SumAxis", []*Tensor{t}, func(g devMem, grads []devMem) {
		b.spread(grads[0], g, outer, n, inner, 1)
	})
	return r
}

// devMatMul is MatMul on the device.
func devMatMul(t, u *Tensor, m, k, n int) *Tensor {
	b := devOf("MatMul", t, u)
	tb, ub := t.shape[:len(t.shape)-2], u.shape[:len(u.shape)-2]
	shape := append(cloneInts(tb), m, n)
	td, ud := t.dev, u.dev
	switch {
	case len(ub) == 0:
		rows := batchSize(tb) * m
		out := b.alloc(rows*n, false)
		b.gemm(false, false, rows, n, k, td, 0, k, ud, 0, n, 0, out, 0, n)
		r := devResult(out, shape)
		recordDev(r, "MatMul", []*Tensor{t, u}, func(g devMem, grads []devMem) {
			if grads[0] != nil { // dT = G·Uᵀ
				b.gemm(false, true, rows, k, n, g, 0, n, ud, 0, n, 1, grads[0], 0, k)
			}
			if grads[1] != nil { // dU = Tᵀ·G
				b.gemm(true, false, k, n, rows, td, 0, k, g, 0, n, 1, grads[1], 0, n)
			}
		})
		return r
	case sameShape(tb, ub):
		nb := batchSize(tb)
		out := b.alloc(nb*m*n, false)
		for i := 0; i < nb; i++ {
			b.gemm(false, false, m, n, k, td, i*m*k, k, ud, i*k*n, n, 0, out, i*m*n, n)
		}
		r := devResult(out, shape)
		recordDev(r, "MatMul", []*Tensor{t, u}, func(g devMem, grads []devMem) {
			for i := 0; i < nb; i++ {
				if grads[0] != nil {
					b.gemm(false, true, m, k, n, g, i*m*n, n, ud, i*k*n, n, 1, grads[0], i*m*k, k)
				}
				if grads[1] != nil {
					b.gemm(true, false, k, n, m, td, i*m*k, k, g, i*m*n, n, 1, grads[1], i*k*n, n)
				}
			}
		})
		return r
	}
	panic(fmt.Sprintf("tensor.MatMul: batch axes differ: %v · %v (want equal batch axes, or a 2-d second operand)", t.shape, u.shape))
}

// devMatMulT is MatMulT on the device.
func devMatMulT(a, w *Tensor) *Tensor {
	b := devOf("MatMulT", a, w)
	m, n := w.shape[0], w.shape[1]
	rows := a.Size() / n
	ad, wd := a.dev, w.dev
	out := b.alloc(rows*m, false)
	b.gemm(false, true, rows, m, n, ad, 0, n, wd, 0, n, 0, out, 0, m)
	shape := cloneInts(a.shape)
	shape[len(shape)-1] = m
	r := devResult(out, shape)
	recordDev(r, "MatMulT", []*Tensor{a, w}, func(g devMem, grads []devMem) {
		if grads[0] != nil { // dA = G·W
			b.gemm(false, false, rows, n, m, g, 0, m, wd, 0, n, 1, grads[0], 0, n)
		}
		if grads[1] != nil { // dW = Gᵀ·A
			b.gemm(true, false, m, n, rows, g, 0, m, ad, 0, n, 1, grads[1], 0, n)
		}
	})
	return r
}

// actKind is the device function of an Affine activation.
var actKind = [...]unKind{ActReLU: unReLU, ActTanh: unTanh, ActSigmoid: unSigmoid, ActSoftplus: unSoftplusOut, ActELU: unELU}

// devAffine is Affine on the device.
func devAffine(x, w, bias *Tensor, act Act) *Tensor {
	b := devOf("Affine", x, w, bias)
	in, n := w.shape[0], w.shape[1]
	rows := x.Size() / in
	xd, wd := x.dev, w.dev
	out := b.alloc(rows*n, false)
	beta := float32(0)
	inputs := []*Tensor{x, w}
	if bias != nil {
		b.fillRows(out, bias.dev, rows, n)
		beta = 1
		inputs = append(inputs, bias)
	}
	b.gemm(false, false, rows, n, in, xd, 0, in, wd, 0, n, beta, out, 0, n)
	if act != ActIdentity {
		b.unary(actKind[act], out, out, rows*n, 1, 0)
	}
	shape := append(cloneInts(x.shape[:len(x.shape)-1]), n)
	r := devResult(out, shape)
	recordDev(r, "Affine", inputs, func(g devMem, grads []devMem) {
		gp := g // the gradient of the pre-activation
		if act != ActIdentity {
			gp = b.alloc(rows*n, false)
			defer gp.free()
			b.unaryGrad(actKind[act], gp, g, out, out, rows*n, 1, 0, false)
		}
		if grads[0] != nil { // dX = Gp·Wᵀ
			b.gemm(false, true, rows, in, n, gp, 0, n, wd, 0, n, 1, grads[0], 0, in)
		}
		if grads[1] != nil { // dW = Xᵀ·Gp
			b.gemm(true, false, in, n, rows, xd, 0, in, gp, 0, n, 1, grads[1], 0, n)
		}
		if len(grads) > 2 && grads[2] != nil {
			b.sumInner(grads[2], gp, 1, rows, n, true)
		}
	})
	return r
}

// devReshape is Reshape on the device: the result shares t's storage.
func devReshape(t *Tensor, shape []int) *Tensor {
	r := devResult(t.dev, shape)
	r.shape = shape
	b, n := t.dev.back(), t.Size()
	recordDev(r, "Reshape", []*Tensor{t}, func(g devMem, grads []devMem) { b.axpy(grads[0], g, n, 1) })
	return r
}
