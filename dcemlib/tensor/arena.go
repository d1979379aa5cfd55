package tensor

import (
	"fmt"
	"math/bits"
	"sync"
)

// An Arena recycles the storage of the tensors that a repeated computation
// makes — the steps of a training loop, the decisions of a planner — so
// that a loop in its steady state allocates almost nothing: no garbage for
// the collector, and no first touches of fresh memory, which cost more
// than the arithmetic on most machines.
//
// A tensor enters an arena by Use; every operation with an input in the
// arena makes its result (and the scratch its gradient needs) in the same
// arena, so the whole computation that follows from the input lives there.
// Parameters outside the arena are read, and their gradients accumulated,
// as usual. Reset ends a round: the storage of every tensor made in the
// arena is kept for the next round and those tensors become invalid (using
// one panics). Copy out (Clone, Item, Values) what must outlive the round,
// and call Backward before Reset. An arena holds on to the memory of its
// largest round until Free.
//
// A no-grad arena (NewNoGradArena) is the inference mode: operations on
// its tensors record no graph even when parameters require gradients, so
// nothing is kept for a backward pass — for planners, evaluation and
// plotting.
//
// An Arena is safe for concurrent use, but a round's tensors must not be
// used after its Reset by any goroutine.
type Arena struct {
	mu      sync.Mutex
	noGrad  bool
	tensors []*Tensor   // made in the arena since the last Reset
	bufs64  [][]float64 // storage handed out since the last Reset
	bufs32  [][]float32
	bytes   int64 // storage handed out since the last Reset
	peak    int64
	// Storage of earlier rounds, by size class, for the next ones: an
	// arena keeps the memory its largest round needed until Free.
	free64 [numClasses][][]float64
	free32 [numClasses][][]float32
}

// NewArena returns an empty arena whose operations record gradients as
// usual.
func NewArena() *Arena { return &Arena{} }

// NewNoGradArena returns an empty arena in which operations record no
// graph: inference without gradients.
func NewNoGradArena() *Arena { return &Arena{noGrad: true} }

// NoGrad reports whether operations in the arena skip the graph.
func (a *Arena) NoGrad() bool { return a.noGrad }

// Use returns t in the arena: a tensor that shares t's values and its place
// in the graph (a gradient still reaches t), whose operations make their
// results in a. In a no-grad arena the result takes no part in the graph.
func (a *Arena) Use(t *Tensor) *Tensor {
	if t.dev != nil {
		panic(fmt.Sprintf("tensor.Arena.Use: tensor of shape %v is on %v; arenas hold host tensors", t.shape, t.Device()))
	}
	u := &Tensor{shape: t.shape, dtype: t.dtype, data: t.data, data32: t.data32, node: t.node, arena: a}
	if a.noGrad {
		u.node = nil
	}
	a.mu.Lock()
	a.tensors = append(a.tensors, u)
	a.mu.Unlock()
	return u
}

// Bytes returns the storage the arena handed out in the current round.
func (a *Arena) Bytes() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.bytes
}

// PeakBytes returns the most storage handed out in one round so far.
func (a *Arena) PeakBytes() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return max(a.peak, a.bytes)
}

// Reset ends the round: the storage of every tensor made in the arena since
// the last Reset is kept for the next rounds, and those tensors become
// invalid. Graphs
// through them that Backward has not consumed are released, so a later
// Backward through them panics instead of reading recycled memory.
func (a *Arena) Reset() {
	a.mu.Lock()
	ts, b64, b32 := a.tensors, a.bufs64, a.bufs32
	a.tensors, a.bufs64, a.bufs32 = ts[:0], b64[:0], b32[:0]
	a.peak = max(a.peak, a.bytes)
	a.bytes = 0
	a.mu.Unlock()
	for _, t := range ts {
		if t.node != nil && t.node.result {
			t.node.op = nil
			t.node.released = true
		}
		t.data, t.data32, t.node, t.dead = nil, nil, nil, true
	}
	clear(ts)
	a.mu.Lock()
	for _, b := range b64 {
		keep(&a.free64, b)
	}
	for _, b := range b32 {
		keep(&a.free32, b)
	}
	a.mu.Unlock()
	clear(b64)
	clear(b32)
}

// Free ends the round like Reset and gives the arena's stored memory back
// to the process-wide cache (and so, beyond its bound, to the garbage
// collector). The arena stays usable.
func (a *Arena) Free() {
	a.Reset()
	a.mu.Lock()
	f64, f32 := a.free64, a.free32
	a.free64, a.free32 = [numClasses][][]float64{}, [numClasses][][]float32{}
	a.mu.Unlock()
	for _, l := range f64 {
		for _, b := range l {
			putBuf(b)
		}
	}
	for _, l := range f32 {
		for _, b := range l {
			putBuf(b)
		}
	}
}

// keep files a buffer of a size class's capacity under its class; other
// buffers are left to the garbage collector.
func keep[T float](lists *[numClasses][][]T, b []T) {
	c, ok := classOfCap(cap(b))
	if !ok {
		return
	}
	lists[c] = append(lists[c], b[:0])
}

// take returns a buffer of length n from the lists, or nil.
func take[T float](lists *[numClasses][][]T, n int) []T {
	if n < minPooled {
		return nil
	}
	c, _ := sizeClass(n)
	l := lists[c]
	if len(l) == 0 {
		return nil
	}
	b := l[len(l)-1]
	l[len(l)-1] = nil
	lists[c] = l[:len(l)-1]
	return b[:n]
}

// numClasses is the number of size classes: four per power of two.
const numClasses = 4 * 64

// sizeClass returns the size class of a buffer of n ≥ 8 elements and the
// capacity buffers of that class have: the smallest of 5, 6, 7 or 8 times a
// power of two that holds n. Quarter steps waste at most a fifth of a
// buffer (a power-of-two class wastes up to half): a 100 × 200 activation
// takes 20 480 elements instead of 32 768.
func sizeClass(n int) (class, capacity int) {
	l := bits.Len(uint(n - 1)) // 2^(l−1) < n ≤ 2^l
	unit := 1 << (l - 3)
	m := (n + unit - 1) / unit // 5 … 8
	return 4*l + m - 5, m * unit
}

// classOfCap returns the class of a buffer of capacity c, and false if c
// is not a class's capacity (or too small to be pooled).
func classOfCap(c int) (int, bool) {
	if c < minPooled {
		return 0, false
	}
	class, capacity := sizeClass(c)
	return class, capacity == c
}

// arenaOf returns the arena of the first input that has one, or nil.
func arenaOf(inputs []*Tensor) *Arena {
	for _, in := range inputs {
		if in != nil && in.arena != nil {
			return in.arena
		}
	}
	return nil
}

// alloc returns zeroed storage of n elements for a result or scratch of an
// operation on inputs: from their arena if they have one, else from the
// heap.
func alloc[T float](n int, inputs ...*Tensor) []T {
	a := arenaOf(inputs)
	if a == nil {
		return make([]T, n)
	}
	return arenaBuf[T](a, n, true)
}

// allocDirty is alloc for storage the caller overwrites entirely: in an
// arena its contents are undefined.
func allocDirty[T float](n int, inputs ...*Tensor) []T {
	a := arenaOf(inputs)
	if a == nil {
		return make([]T, n)
	}
	return arenaBuf[T](a, n, false)
}

func arenaBuf[T float](a *Arena, n int, zero bool) []T {
	a.mu.Lock()
	var b []T
	switch l := any(&a.free32).(type) {
	case *[numClasses][][]T:
		b = take(l, n)
	default:
		b = take(any(&a.free64).(*[numClasses][][]T), n)
	}
	a.mu.Unlock()
	switch {
	case b == nil && zero:
		b = getBuf[T](n)
	case b == nil:
		b = getBufDirty[T](n)
	case zero:
		clear(b)
	}
	a.mu.Lock()
	switch v := any(b).(type) {
	case []float64:
		a.bufs64 = append(a.bufs64, v)
	case []float32:
		a.bufs32 = append(a.bufs32, v)
	}
	a.bytes += int64(cap(b)) * int64(dtypeOf[T]().Size())
	a.mu.Unlock()
	return b
}

// wrapIn is wrap for the result of an operation on inputs: the result joins
// their arena, if any.
func wrapIn[T float](data []T, shape []int, inputs ...*Tensor) *Tensor {
	t := wrap(data, shape)
	if a := arenaOf(inputs); a != nil {
		t.arena = a
		a.mu.Lock()
		a.tensors = append(a.tensors, t)
		a.mu.Unlock()
	}
	return t
}

// The buffer cache recycles storage by size class (sizeClass) for the
// whole process: gradient temporaries of Backward and the storage of arena
// rounds. Unlike a sync.Pool it is not emptied by garbage collections, so a
// steady-state loop keeps reusing the same memory; it holds at most
// maxCachedBytes. That bound is above the largest round the experiments
// make (a phase-2 decoder update of 10 start states records about 1 GB
// of graph; PPO's micro-batches more): a round larger than the cache would take the excess from the
// Go heap every time, zeroed, and leave it to the garbage collector.
var cache struct {
	sync.Mutex
	free64 [numClasses][][]float64
	free32 [numClasses][][]float32
	bytes  int64
}

const (
	minPooled      = 1024    // smallest buffer worth caching (elements)
	maxCachedBytes = 4 << 30 // most bytes the cache holds
)

// getBuf returns a zeroed slice of length n.
func getBuf[T float](n int) []T {
	b := getBufDirty[T](n)
	clear(b)
	return b
}

// getBufDirty returns a slice of length n whose contents are undefined.
func getBufDirty[T float](n int) []T {
	if n < minPooled {
		return make([]T, n)
	}
	c, capacity := sizeClass(n)
	size := int64(dtypeOf[T]().Size()) * int64(capacity)
	cache.Lock()
	var b []T
	switch l := any(&cache.free32[c]).(type) {
	case *[][]T:
		if k := len(*l); k > 0 {
			b = (*l)[k-1]
			(*l)[k-1] = nil
			*l = (*l)[:k-1]
		}
	default:
		l64 := any(&cache.free64[c]).(*[][]T)
		if k := len(*l64); k > 0 {
			b = (*l64)[k-1]
			(*l64)[k-1] = nil
			*l64 = (*l64)[:k-1]
		}
	}
	if b != nil {
		cache.bytes -= size
	}
	cache.Unlock()
	if b == nil {
		return make([]T, n, capacity)
	}
	return b[:n]
}

// putBuf gives a slice from getBuf back for reuse.
func putBuf[T float](b []T) {
	c, ok := classOfCap(cap(b))
	if !ok {
		return
	}
	size := int64(dtypeOf[T]().Size()) * int64(cap(b))
	cache.Lock()
	defer cache.Unlock()
	if cache.bytes+size > maxCachedBytes {
		return
	}
	cache.bytes += size
	switch l := any(&cache.free32[c]).(type) {
	case *[][]T:
		*l = append(*l, b[:0])
	default:
		l64 := any(&cache.free64[c]).(*[][]T)
		*l64 = append(*l64, b[:0])
	}
}

// checkLive panics if t's arena round has ended.
func (t *Tensor) checkLive() {
	if t.dead {
		panic(fmt.Sprintf("tensor: a tensor of shape %v was used after its Arena was Reset; Clone what must outlive the round", t.shape))
	}
}

// Arena returns the arena t was made in (by Use or by an operation on
// tensors in it), or nil.
func (t *Tensor) Arena() *Arena { return t.arena }
