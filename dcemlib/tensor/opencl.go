//go:build opencl && cgo

package tensor

/*
#cgo CFLAGS: -DCL_TARGET_OPENCL_VERSION=120
#cgo LDFLAGS: -lclblast -lOpenCL
#include <stdlib.h>
#include <CL/cl.h>
#include <clblast_c.h>

// dcem_launch sets a kernel's arguments (buffers, then ints, then floats)
// and queues it over global work items, in groups of local (0: the
// runtime's choice; global is then rounded up to a multiple of local).
static cl_int dcem_launch(cl_command_queue q, cl_kernel k, size_t global, size_t local,
		int nm, cl_mem* m, int ni, cl_int* iv, int nf, cl_float* fv) {
	cl_uint a = 0;
	cl_int err;
	for (int i = 0; i < nm; i++)
		if ((err = clSetKernelArg(k, a++, sizeof(cl_mem), &m[i])) != CL_SUCCESS) return err;
	for (int i = 0; i < ni; i++)
		if ((err = clSetKernelArg(k, a++, sizeof(cl_int), &iv[i])) != CL_SUCCESS) return err;
	for (int i = 0; i < nf; i++)
		if ((err = clSetKernelArg(k, a++, sizeof(cl_float), &fv[i])) != CL_SUCCESS) return err;
	if (local) {
		global = (global + local - 1) / local * local;
		return clEnqueueNDRangeKernel(q, k, 1, NULL, &global, &local, 0, NULL, NULL);
	}
	return clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL, NULL);
}

static cl_int dcem_fill(cl_command_queue q, cl_mem m, size_t off, size_t n, cl_float v) {
	return clEnqueueFillBuffer(q, m, &v, sizeof v, off * sizeof v, n * sizeof v, 0, NULL, NULL);
}

static int dcem_sgemm(cl_command_queue q, int ta, int tb, size_t m, size_t n, size_t k,
		cl_mem a, size_t oa, size_t lda, cl_mem b, size_t ob, size_t ldb,
		float beta, cl_mem c, size_t oc, size_t ldc) {
	cl_event ev = NULL;
	CLBlastStatusCode s = CLBlastSgemm(CLBlastLayoutRowMajor,
		ta ? CLBlastTransposeYes : CLBlastTransposeNo, tb ? CLBlastTransposeYes : CLBlastTransposeNo,
		m, n, k, 1.0f, a, oa, lda, b, ob, ldb, beta, c, oc, ldc, &q, &ev);
	if (ev != NULL) clReleaseEvent(ev);
	return (int)s;
}

// dcem_build_log returns the program's build log for the device (free it).
static char* dcem_build_log(cl_program p, cl_device_id d) {
	size_t n = 0;
	clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, 0, NULL, &n);
	char* s = calloc(n + 1, 1);
	if (s) clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, n, s, NULL);
	return s;
}
*/
import "C"

import (
	"fmt"
	"math/bits"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// openCLBuilt tells whether the binary has the OpenCL backend.
const openCLBuilt = true

// clDevice is an opened OpenCL device: one context, one in-order queue, the
// engine's kernels, and a cache of released buffers for reuse.
type clDevice struct {
	index   int
	label   string // platform / device (type)
	id      C.cl_device_id
	ctx     C.cl_context
	queue   C.cl_command_queue
	prog    C.cl_program
	kernels map[string]C.cl_kernel
	fp64    bool // the kernels accumulate in double precision

	// mu serializes the use of the queue and the kernels (setting a
	// kernel's arguments and queueing it must not interleave).
	mu sync.Mutex
	// free holds released buffers by size class (2^c floats); kept counts
	// their bytes, fresh the bytes allocated anew since the last collection.
	free       [48][]C.cl_mem
	kept       int64
	fresh      int64
	memBytes   int64 // the device's global memory
	maxKeep    int64
	collectNow int64
}

var opened struct {
	sync.Mutex
	devs map[int]*clDevice
}

// clErrors names the OpenCL error codes the backend is most likely to meet.
var clErrors = map[C.cl_int]string{
	-1: "CL_DEVICE_NOT_FOUND", -2: "CL_DEVICE_NOT_AVAILABLE", -3: "CL_COMPILER_NOT_AVAILABLE",
	-4: "CL_MEM_OBJECT_ALLOCATION_FAILURE", -5: "CL_OUT_OF_RESOURCES", -6: "CL_OUT_OF_HOST_MEMORY",
	-11: "CL_BUILD_PROGRAM_FAILURE", -30: "CL_INVALID_VALUE", -33: "CL_INVALID_DEVICE",
	-34: "CL_INVALID_CONTEXT", -36: "CL_INVALID_COMMAND_QUEUE", -38: "CL_INVALID_MEM_OBJECT",
	-46: "CL_INVALID_KERNEL_NAME", -48: "CL_INVALID_KERNEL", -51: "CL_INVALID_ARG_SIZE",
	-52: "CL_INVALID_KERNEL_ARGS", -54: "CL_INVALID_WORK_GROUP_SIZE", -61: "CL_INVALID_BUFFER_SIZE",
	-1001: "CL_PLATFORM_NOT_FOUND_KHR (no OpenCL platform is installed)",
}

func clErr(what string, code C.cl_int) error {
	name, ok := clErrors[code]
	if !ok {
		name = "OpenCL error"
	}
	return fmt.Errorf("%s: %s (%d)", what, name, int(code))
}

// clDeviceIDs lists the devices of every platform, in clinfo's order.
func clDeviceIDs() ([]C.cl_device_id, []string, error) {
	var np C.cl_uint
	if e := C.clGetPlatformIDs(0, nil, &np); e != C.CL_SUCCESS || np == 0 {
		if e == C.CL_SUCCESS {
			e = -1001
		}
		return nil, nil, fmt.Errorf("tensor: no OpenCL platform: %w; install an OpenCL driver "+
			"(pocl-opencl-icd runs on the CPU; a GPU needs its vendor's ICD)", clErr("clGetPlatformIDs", e))
	}
	plats := make([]C.cl_platform_id, np)
	if e := C.clGetPlatformIDs(np, &plats[0], nil); e != C.CL_SUCCESS {
		return nil, nil, fmt.Errorf("tensor: %w", clErr("clGetPlatformIDs", e))
	}
	var ids []C.cl_device_id
	var labels []string
	for _, p := range plats {
		var nd C.cl_uint
		if e := C.clGetDeviceIDs(p, C.CL_DEVICE_TYPE_ALL, 0, nil, &nd); e != C.CL_SUCCESS || nd == 0 {
			continue // a platform without devices
		}
		ds := make([]C.cl_device_id, nd)
		if e := C.clGetDeviceIDs(p, C.CL_DEVICE_TYPE_ALL, nd, &ds[0], nil); e != C.CL_SUCCESS {
			continue
		}
		pname := clPlatformString(p, C.CL_PLATFORM_NAME)
		for _, d := range ds {
			var typ C.cl_device_type
			C.clGetDeviceInfo(d, C.CL_DEVICE_TYPE, C.size_t(unsafe.Sizeof(typ)), unsafe.Pointer(&typ), nil)
			kind := "other"
			switch {
			case typ&C.CL_DEVICE_TYPE_GPU != 0:
				kind = "GPU"
			case typ&C.CL_DEVICE_TYPE_CPU != 0:
				kind = "CPU"
			case typ&C.CL_DEVICE_TYPE_ACCELERATOR != 0:
				kind = "accelerator"
			}
			ids = append(ids, d)
			labels = append(labels, fmt.Sprintf("%s / %s (%s)", pname, clDeviceString(d, C.CL_DEVICE_NAME), kind))
		}
	}
	if len(ids) == 0 {
		return nil, nil, fmt.Errorf("tensor: the OpenCL platforms have no devices")
	}
	return ids, labels, nil
}

func clPlatformString(p C.cl_platform_id, what C.cl_platform_info) string {
	var buf [256]C.char
	C.clGetPlatformInfo(p, what, C.size_t(len(buf)), unsafe.Pointer(&buf[0]), nil)
	return strings.TrimSpace(C.GoString(&buf[0]))
}

func clDeviceString(d C.cl_device_id, what C.cl_device_info) string {
	var buf [256]C.char
	C.clGetDeviceInfo(d, what, C.size_t(len(buf)), unsafe.Pointer(&buf[0]), nil)
	return strings.TrimSpace(C.GoString(&buf[0]))
}

// OpenCLDevices lists the OpenCL devices by index (the index OpenCL and
// DCEM_DEVICE=opencl:N take), with their platform, name and type. It
// returns an error when no OpenCL platform or device is installed.
func OpenCLDevices() ([]string, error) {
	_, labels, err := clDeviceIDs()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = fmt.Sprintf("opencl:%d %s", i, l)
	}
	return out, nil
}

// OpenCL returns the OpenCL device with the given index, counted over all
// platforms in the order clinfo lists them (OpenCLDevices lists them). The
// first call for a device opens it and compiles the engine's kernels for
// it; later calls return the same Device. It returns an error, and never
// panics, when no OpenCL platform is installed, the index is out of range,
// or the device cannot be opened or cannot compile the kernels.
func OpenCL(index int) (Device, error) {
	opened.Lock()
	defer opened.Unlock()
	if d, ok := opened.devs[index]; ok {
		return Device{d}, nil
	}
	ids, labels, err := clDeviceIDs()
	if err != nil {
		return CPU, err
	}
	if index < 0 || index >= len(ids) {
		return CPU, fmt.Errorf("tensor: no OpenCL device %d: there are %d (%s)", index, len(ids), strings.Join(labels, "; "))
	}
	d, err := openDevice(index, ids[index], labels[index])
	if err != nil {
		return CPU, err
	}
	if opened.devs == nil {
		opened.devs = map[int]*clDevice{}
	}
	opened.devs[index] = d
	return Device{d}, nil
}

var kernelNames = []string{"unary", "unary_grad", "binary", "binary_grad", "reduce_to", "sum_rows",
	"sum_partial", "sum_inner", "spread", "fill_rows", "axpy",
	"copy_rows", "permute", "index_select", "index_select_grad", "gather", "gather_grad",
	"extreme", "extreme_grad", "logsumexp", "logsumexp_grad", "standardize", "standardize_grad",
	"where_sel", "where_grad", "gru_gates", "gru_grad", "lml_forward", "lml_backward",
	"philox_normal", "philox_uniform"}

// deviceExtensions returns the device's OpenCL extensions, space separated.
func deviceExtensions(id C.cl_device_id) string {
	var n C.size_t
	if C.clGetDeviceInfo(id, C.CL_DEVICE_EXTENSIONS, 0, nil, &n) != C.CL_SUCCESS || n == 0 {
		return ""
	}
	buf := make([]byte, n)
	C.clGetDeviceInfo(id, C.CL_DEVICE_EXTENSIONS, n, unsafe.Pointer(&buf[0]), nil)
	return strings.TrimRight(string(buf), "\x00")
}

func openDevice(index int, id C.cl_device_id, label string) (*clDevice, error) {
	d := &clDevice{index: index, label: label, id: id, kernels: map[string]C.cl_kernel{}}
	fail := func(what string, e C.cl_int) (*clDevice, error) {
		d.release()
		return nil, fmt.Errorf("tensor: OpenCL device %d (%s): %w", index, label, clErr(what, e))
	}
	var e C.cl_int
	d.ctx = C.clCreateContext(nil, 1, &id, nil, nil, &e)
	if e != C.CL_SUCCESS {
		return fail("clCreateContext", e)
	}
	d.queue = C.clCreateCommandQueue(d.ctx, id, 0, &e)
	if e != C.CL_SUCCESS {
		return fail("clCreateCommandQueue", e)
	}
	src := C.CString(clSource)
	defer C.free(unsafe.Pointer(src))
	d.prog = C.clCreateProgramWithSource(d.ctx, 1, &src, nil, &e)
	if e != C.CL_SUCCESS {
		return fail("clCreateProgramWithSource", e)
	}
	// Devices with double precision run the accumulations of the
	// row kernels (LML, LogSumExp, Standardize) in it, as the host does.
	opts := ""
	if strings.Contains(" "+deviceExtensions(id)+" ", " cl_khr_fp64 ") {
		opts = "-D DCEM_FP64"
		d.fp64 = true
	}
	copts := C.CString(opts)
	defer C.free(unsafe.Pointer(copts))
	if e = C.clBuildProgram(d.prog, 1, &id, copts, nil, nil); e != C.CL_SUCCESS {
		log := C.dcem_build_log(d.prog, id)
		msg := C.GoString(log)
		C.free(unsafe.Pointer(log))
		d.release()
		return nil, fmt.Errorf("tensor: OpenCL device %d (%s): the kernels do not compile: %w\n%s", index, label, clErr("clBuildProgram", e), msg)
	}
	for _, name := range kernelNames {
		cs := C.CString(name)
		k := C.clCreateKernel(d.prog, cs, &e)
		C.free(unsafe.Pointer(cs))
		if e != C.CL_SUCCESS {
			return fail("clCreateKernel "+name, e)
		}
		d.kernels[name] = k
	}
	var mem C.cl_ulong
	C.clGetDeviceInfo(id, C.CL_DEVICE_GLOBAL_MEM_SIZE, C.size_t(unsafe.Sizeof(mem)), unsafe.Pointer(&mem), nil)
	d.memBytes = int64(mem)
	d.maxKeep = min(d.memBytes/4, 1<<30)
	d.collectNow = max(min(d.memBytes/8, 512<<20), 64<<20)
	return d, nil
}

// release frees what openDevice made (after a failure).
func (d *clDevice) release() {
	for _, k := range d.kernels {
		C.clReleaseKernel(k)
	}
	if d.prog != nil {
		C.clReleaseProgram(d.prog)
	}
	if d.queue != nil {
		C.clReleaseCommandQueue(d.queue)
	}
	if d.ctx != nil {
		C.clReleaseContext(d.ctx)
	}
}

func (d *clDevice) name() string { return fmt.Sprintf("opencl:%d (%s)", d.index, d.label) }

// String is the device's name (for messages).
func (d *clDevice) String() string { return d.name() }

// check panics with a message naming the device on an OpenCL error.
func (d *clDevice) check(what string, e C.cl_int) {
	if e != C.CL_SUCCESS {
		panic(fmt.Sprintf("tensor: %v: %v", d.name(), clErr(what, e)))
	}
}

// clMem is a buffer of n float32 values on a device, of capacity 2^class.
type clMem struct {
	d     *clDevice
	mem   C.cl_mem
	n     int
	class int
}

func (m *clMem) back() backend { return m.d }

// free gives the buffer to the device's cache, or back to OpenCL when the
// cache is full. It runs as the finalizer of buffers that were not freed.
func (m *clMem) free() {
	if m.mem == nil {
		return
	}
	d, mem := m.d, m.mem
	m.mem = nil
	runtime.SetFinalizer(m, nil)
	size := int64(4) << m.class
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kept+size <= d.maxKeep {
		d.free[m.class] = append(d.free[m.class], mem)
		d.kept += size
		return
	}
	C.clReleaseMemObject(mem)
}

func (d *clDevice) alloc(n int, zero bool) devMem {
	if n >= 1<<31 {
		panic(fmt.Sprintf("tensor: %v: a tensor of %d elements is too large for the device kernels", d.name(), n))
	}
	c := max(bits.Len(uint(max(n, 1)-1)), 6)
	size := int64(4) << c
	d.mu.Lock()
	var mem C.cl_mem
	if l := d.free[c]; len(l) > 0 {
		mem = l[len(l)-1]
		d.free[c] = l[:len(l)-1]
		d.kept -= size
	}
	collect := false
	if mem == nil {
		var e C.cl_int
		mem = C.clCreateBuffer(d.ctx, C.CL_MEM_READ_WRITE, C.size_t(size), nil, &e)
		if e != C.CL_SUCCESS {
			d.mu.Unlock()
			panic(fmt.Sprintf("tensor: %v: allocating %d bytes: %v", d.name(), size, clErr("clCreateBuffer", e)))
		}
		d.fresh += size
		if d.fresh > d.collectNow {
			// Buffers are released by the finalizers of unreachable
			// tensors: collect garbage when the device, not the Go heap,
			// fills up.
			d.fresh, collect = 0, true
		}
	}
	if zero && n > 0 {
		d.check("clEnqueueFillBuffer", C.dcem_fill(d.queue, mem, 0, C.size_t(n), 0))
	}
	d.mu.Unlock()
	if collect {
		runtime.GC()
	}
	m := &clMem{d: d, mem: mem, n: n, class: c}
	runtime.SetFinalizer(m, (*clMem).free)
	return m
}

// mems lists the buffers of a kernel's arguments.
func mems(ms ...devMem) []devMem { return ms }

func (d *clDevice) write(m devMem, off int, src []float32) {
	if len(src) == 0 {
		return
	}
	defer runtime.KeepAlive(m)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.check("clEnqueueWriteBuffer", C.clEnqueueWriteBuffer(d.queue, m.(*clMem).mem, C.CL_TRUE, C.size_t(4*off),
		C.size_t(4*len(src)), unsafe.Pointer(&src[0]), 0, nil, nil))
}

func (d *clDevice) read(dst []float32, m devMem, off int) {
	if len(dst) == 0 {
		return
	}
	defer runtime.KeepAlive(m)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.check("clEnqueueReadBuffer", C.clEnqueueReadBuffer(d.queue, m.(*clMem).mem, C.CL_TRUE, C.size_t(4*off),
		C.size_t(4*len(dst)), unsafe.Pointer(&dst[0]), 0, nil, nil))
}

func (d *clDevice) copyMem(dst, src devMem, n int) {
	if n == 0 {
		return
	}
	defer runtime.KeepAlive(src)
	defer runtime.KeepAlive(dst)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.check("clEnqueueCopyBuffer", C.clEnqueueCopyBuffer(d.queue, src.(*clMem).mem, dst.(*clMem).mem, 0, 0,
		C.size_t(4*n), 0, nil, nil))
}

func (d *clDevice) fill(m devMem, n int, v float32) {
	if n == 0 {
		return
	}
	defer runtime.KeepAlive(m)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.check("clEnqueueFillBuffer", C.dcem_fill(d.queue, m.(*clMem).mem, 0, C.size_t(n), C.cl_float(v)))
}

// launch queues kernel name over global work items (in groups of local,
// or the runtime's choice for 0). The buffers are kept alive until the
// kernel is queued: a finalizer must not hand one to another tensor first.
func (d *clDevice) launch(name string, global, local int, bufs []devMem, ints []C.cl_int, floats []C.cl_float) {
	if global == 0 {
		return
	}
	defer runtime.KeepAlive(bufs)
	ms := make([]C.cl_mem, len(bufs))
	for i, m := range bufs {
		ms[i] = m.(*clMem).mem
	}
	var pm *C.cl_mem
	var pi *C.cl_int
	var pf *C.cl_float
	if len(ms) > 0 {
		pm = &ms[0]
	}
	if len(ints) > 0 {
		pi = &ints[0]
	}
	if len(floats) > 0 {
		pf = &floats[0]
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.check("kernel "+name, C.dcem_launch(d.queue, d.kernels[name], C.size_t(global), C.size_t(local),
		C.int(len(ms)), pm, C.int(len(ints)), pi, C.int(len(floats)), pf))
}

func ci(v ...int) []C.cl_int {
	out := make([]C.cl_int, len(v))
	for i, x := range v {
		out[i] = C.cl_int(x)
	}
	return out
}

func cf(v ...float32) []C.cl_float {
	out := make([]C.cl_float, len(v))
	for i, x := range v {
		out[i] = C.cl_float(x)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (d *clDevice) axpy(dst, src devMem, n int, alpha float32) {
	d.launch("axpy", n, 0, mems(dst, src), ci(n), cf(alpha))
}

func (d *clDevice) gemm(transA, transB bool, m, n, k int, a devMem, oa, lda int, b devMem, ob, ldb int, beta float32, c devMem, oc, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	defer runtime.KeepAlive([]devMem{a, b, c})
	if k == 0 { // C = beta·C
		if beta == 0 {
			for i := 0; i < m; i++ {
				d.mu.Lock()
				d.check("clEnqueueFillBuffer", C.dcem_fill(d.queue, c.(*clMem).mem, C.size_t(oc+i*ldc), C.size_t(n), 0))
				d.mu.Unlock()
			}
		}
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s := C.dcem_sgemm(d.queue, C.int(b2i(transA)), C.int(b2i(transB)), C.size_t(m), C.size_t(n), C.size_t(k),
		a.(*clMem).mem, C.size_t(oa), C.size_t(lda), b.(*clMem).mem, C.size_t(ob), C.size_t(ldb),
		C.float(beta), c.(*clMem).mem, C.size_t(oc), C.size_t(ldc))
	if s != 0 {
		panic(fmt.Sprintf("tensor: %v: CLBlastSgemm (%d×%d×%d) failed with status %d", d.name(), m, n, k, int(s)))
	}
}

func (d *clDevice) unary(k unKind, out, x devMem, n int, p, q float32) {
	d.launch("unary", n, 0, mems(out, x), ci(n, int(k)), cf(p, q))
}

func (d *clDevice) unaryGrad(k unKind, dst, g, x, y devMem, n int, p, q float32, acc bool) {
	d.launch("unary_grad", n, 0, mems(dst, g, x, y), ci(n, int(k), b2i(acc)), cf(p, q))
}

// bcastInts returns the kernels' arguments d0..d3, a0..a3, b0..b3 for bc,
// padded in front with axes of length 1.
func bcastInts(bc *bcast) []int {
	nd := len(bc.dims)
	v := make([]int, 12)
	for i := 0; i < 4; i++ {
		v[i] = 1
	}
	for i := 0; i < nd; i++ {
		j := 4 - nd + i
		v[j], v[4+j], v[8+j] = bc.dims[i], bc.sa[i], bc.sb[i]
	}
	return v
}

func (d *clDevice) binary(k binKind, out, a, b devMem, bc *bcast, n int) {
	d.launch("binary", n, 0, mems(out, a, b), ci(append([]int{n, int(k)}, bcastInts(bc)...)...), nil)
}

func (d *clDevice) binaryGrad(k binKind, da, db, g, a, b devMem, bc *bcast, n int, accA, accB bool) {
	wa, wb := da != nil, db != nil
	if !wa && !wb {
		return
	}
	if !wa {
		da = db // a placeholder the kernel does not touch
	}
	if !wb {
		db = da
	}
	ints := append([]int{n, int(k), b2i(wa), b2i(wb), b2i(accA), b2i(accB)}, bcastInts(bc)...)
	d.launch("binary_grad", n, 0, mems(da, db, g, a, b), ci(ints...), nil)
}

func (d *clDevice) reduceTo(dst, src devMem, n int, dims, st []int, scale float32) {
	nd := len(dims)
	if nd > maxDevAxes {
		panic(fmt.Sprintf("tensor: %v: a broadcast over %d axis groups; the device supports %d", d.name(), nd, maxDevAxes))
	}
	v := []int{n, 1, 1, 1, 1, 0, 0, 0, 0}
	for i := 0; i < nd; i++ {
		j := 4 - nd + i
		v[1+j], v[5+j] = dims[i], st[i]
	}
	d.launch("reduce_to", n, 0, mems(dst, src), ci(v...), cf(scale))
}

const clWG = 64 // the work group size of the reductions (WG in the kernels)

func (d *clDevice) sumRows(out, x devMem, rows, n int, scale float32, acc bool) {
	if rows == 1 && n > 16*clWG*clWG {
		// A long sum: partial sums by up to 256 groups, then their sum.
		groups := min(256, (n+clWG*clWG-1)/(clWG*clWG))
		part := d.alloc(groups, false)
		defer part.free()
		d.launch("sum_partial", groups*clWG, clWG, mems(part, x), ci(n), nil)
		x, n = part, groups
	}
	d.launch("sum_rows", rows*clWG, clWG, mems(out, x), ci(n, b2i(acc)), cf(scale))
}

func (d *clDevice) sumInner(out, x devMem, outer, n, inner int, acc bool) {
	d.launch("sum_inner", outer*inner, 0, mems(out, x), ci(outer, n, inner, b2i(acc)), nil)
}

func (d *clDevice) spread(dst, g devMem, outer, n, inner int, scale float32) {
	total := outer * n * inner
	d.launch("spread", total, 0, mems(dst, g), ci(total, n, inner), cf(scale))
}

func (d *clDevice) fillRows(out, b devMem, rows, n int) {
	d.launch("fill_rows", rows*n, 0, mems(out, b), ci(rows*n, n), nil)
}

func (d *clDevice) kernel(name string, global, local int, bufs []devMem, ints []int, floats []float32) {
	d.launch(name, global, local, bufs, ci(ints...), cf(floats...))
}

func (d *clDevice) writeInts(m devMem, src []int32) {
	if len(src) == 0 {
		return
	}
	defer runtime.KeepAlive(m)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.check("clEnqueueWriteBuffer", C.clEnqueueWriteBuffer(d.queue, m.(*clMem).mem, C.CL_TRUE, 0,
		C.size_t(4*len(src)), unsafe.Pointer(&src[0]), 0, nil, nil))
}

func (d *clDevice) readInts(dst []int32, m devMem) {
	if len(dst) == 0 {
		return
	}
	defer runtime.KeepAlive(m)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.check("clEnqueueReadBuffer", C.clEnqueueReadBuffer(d.queue, m.(*clMem).mem, C.CL_TRUE, 0,
		C.size_t(4*len(dst)), unsafe.Pointer(&dst[0]), 0, nil, nil))
}
