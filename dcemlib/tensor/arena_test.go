package tensor

import (
	"runtime"
	"testing"
)

// trainStep is a small two-layer regression step, with its inputs passed
// through use (an arena's Use, or the identity).
func trainStep(use func(*Tensor) *Tensor, x, y, w1, b1, w2 *Tensor) float64 {
	h := Affine(use(x), w1, b1, ActTanh)
	loss := h.MatMul(w2).Sub(use(y)).Square().Mean()
	v := loss.Item()
	loss.Backward()
	for _, p := range []*Tensor{w1, b1, w2} {
		g := p.Grad().Data()
		d := p.Data()
		for i := range d {
			d[i] -= 0.05 * g[i]
		}
		p.ZeroGrad()
	}
	return v
}

func newTrainProblem(seed uint64) (x, y, w1, b1, w2 *Tensor) {
	g := NewRNG(seed)
	return RandN(g, 512, 16), RandN(g, 512, 1), RandN(g, 16, 128).MulScalar(0.2).RequiresGrad(),
		Zeros(128).RequiresGrad(), RandN(g, 128, 1).MulScalar(0.2).RequiresGrad()
}

// TestArenaMatchesHeap trains the same model with and without an arena: the
// losses agree bit for bit, and the arena's rounds allocate under a tenth of
// the bytes (what remains is the small bookkeeping of each operation).
func TestArenaMatchesHeap(t *testing.T) {
	const steps = 30
	x, y, w1, b1, w2 := newTrainProblem(1)
	ident := func(u *Tensor) *Tensor { return u }
	var heapLoss []float64
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	for i := 0; i < steps; i++ {
		heapLoss = append(heapLoss, trainStep(ident, x, y, w1, b1, w2))
	}
	runtime.ReadMemStats(&ms)
	heapBytes := ms.TotalAlloc - before

	x, y, w1, b1, w2 = newTrainProblem(1)
	a := NewArena()
	trainStep(a.Use, x, y, w1, b1, w2) // the first round fills the cache
	a.Reset()
	x, y, w1, b1, w2 = newTrainProblem(1)
	runtime.ReadMemStats(&ms)
	before = ms.TotalAlloc
	for i := 0; i < steps; i++ {
		if got := trainStep(a.Use, x, y, w1, b1, w2); got != heapLoss[i] {
			t.Fatalf("step %d: loss %.17g in the arena, %.17g on the heap", i, got, heapLoss[i])
		}
		a.Reset()
	}
	runtime.ReadMemStats(&ms)
	arenaBytes := ms.TotalAlloc - before
	if arenaBytes*10 > heapBytes {
		t.Errorf("arena rounds allocated %d bytes, the heap loop %d: want under a tenth", arenaBytes, heapBytes)
	}
	if a.PeakBytes() == 0 {
		t.Error("the arena handed out no storage")
	}
	// Free gives the memory back; the arena keeps working.
	a.Free()
	x, y, w1, b1, w2 = newTrainProblem(1)
	if got := trainStep(a.Use, x, y, w1, b1, w2); got != heapLoss[0] {
		t.Fatalf("after Free: loss %.17g, want %.17g", got, heapLoss[0])
	}
	a.Reset()
}

func TestArenaResetInvalidates(t *testing.T) {
	a := NewArena()
	w := RandN(NewRNG(2), 3, 3).RequiresGrad()
	u := a.Use(Ones(2, 3)).MatMul(w)
	v := u.Reshape(3, 2)
	keep := u.Clone()
	a.Reset()
	mustPanic(t, "used after its Arena was Reset", func() { u.Data() })
	mustPanic(t, "used after its Arena was Reset", func() { v.Exp() })
	if s := u.String(); s != "tensor(released by Arena.Reset, shape=[2 3])" {
		t.Errorf("String of a released tensor: %q", s)
	}
	// The graph through the round is released: Backward says so.
	mustPanic(t, "", func() { u.Sum().Backward() })
	if keep.Sum().Item() == 0 {
		t.Fatal("a clone lost its values")
	}
	if w.Data()[0] == 0 {
		t.Fatal("a parameter outside the arena was recycled")
	}
}

// TestNoGradArena checks inference mode: the same values, no graph, even
// with parameters that require gradients.
func TestNoGradArena(t *testing.T) {
	g := NewRNG(3)
	x := RandNOf(Float32, g, 5, 4)
	w, b := RandNOf(Float32, g, 4, 6).RequiresGrad(), RandNOf(Float32, g, 6).RequiresGrad()
	want := Affine(x, w, b, ActSoftplus).Sum().Item()
	a := NewNoGradArena()
	y := Affine(a.Use(x), w, b, ActSoftplus).Sum()
	if y.NeedsGrad() {
		t.Fatal("an operation in a no-grad arena recorded a graph")
	}
	if y.Item() != want {
		t.Fatalf("no-grad value %g, want %g", y.Item(), want)
	}
	if a.Use(w).NeedsGrad() {
		t.Fatal("Use in a no-grad arena kept the parameter's graph node")
	}
	a.Reset()
}

// TestSizeClass checks the buffer size classes for every length from the
// smallest pooled one to 2^17 and around large powers of two: the capacity
// holds n and wastes less than a fifth of it, a class's capacity maps back
// to the class, classes grow with n, and one class has one capacity.
func TestSizeClass(t *testing.T) {
	capOf := map[int]int{}
	lastClass := -1
	check := func(n int) {
		c, capacity := sizeClass(n)
		if capacity < n || float64(capacity-n) >= 0.2*float64(capacity) {
			t.Fatalf("sizeClass(%d) = capacity %d: want n ≤ capacity and waste < 20%%", n, capacity)
		}
		if c < 0 || c >= numClasses {
			t.Fatalf("sizeClass(%d) = class %d, outside [0, %d)", n, c, numClasses)
		}
		if back, ok := classOfCap(capacity); !ok || back != c {
			t.Fatalf("classOfCap(%d) = %d, %v; want %d, true", capacity, back, ok, c)
		}
		if prev, seen := capOf[c]; seen && prev != capacity {
			t.Fatalf("class %d has capacities %d and %d", c, prev, capacity)
		}
		capOf[c] = capacity
		if c < lastClass {
			t.Fatalf("sizeClass(%d) = class %d after class %d for a smaller n", n, c, lastClass)
		}
		lastClass = c
	}
	for n := minPooled; n <= 1<<17; n++ {
		check(n)
	}
	for _, e := range []int{20, 30, 40, 50} {
		for _, n := range []int{1<<e - 1, 1 << e, 1<<e + 1, 5 << (e - 2), 5<<(e-2) + 1} {
			check(n)
		}
	}
	if _, ok := classOfCap(20000); ok {
		t.Fatal("classOfCap(20000) = true: 20000 is not a class capacity (20480 is)")
	}
	if c, capacity := sizeClass(100 * 200); capacity != 20480 {
		t.Fatalf("sizeClass(20000) = class %d, capacity %d; want 20480", c, capacity)
	}
}
