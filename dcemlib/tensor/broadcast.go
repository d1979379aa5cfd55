package tensor

import "fmt"

// broadcastShape returns the NumPy broadcast of shapes a and b.
func broadcastShape(fn string, a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			panic(fmt.Sprintf("tensor.%s: shapes %v and %v do not broadcast (axis %d: %d vs %d)", fn, a, b, i, da, db))
		}
	}
	return out
}

// bcast maps the elements of a broadcast result onto its operands. The
// result's axes are merged where both operands are contiguous across them,
// so that the innermost run is as long as possible; strides of broadcast
// axes are 0.
type bcast struct {
	dims   []int // merged result axes, outermost first
	sa, sb []int // operand strides per merged axis
}

// bcastStrides returns the strides of shape seen from the broadcast result
// out (0 on broadcast axes).
func bcastStrides(shape, out []int) []int {
	st := make([]int, len(out))
	s := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := len(shape) - len(out) + i
		if j < 0 || shape[j] == 1 {
			st[i] = 0
		} else {
			st[i] = s
		}
		if j >= 0 {
			s *= shape[j]
		}
	}
	return st
}

func newBcast(a, b, out []int) *bcast {
	fa, fb := bcastStrides(a, out), bcastStrides(b, out)
	bc := &bcast{}
	for i, d := range out {
		if d == 1 {
			continue
		}
		k := len(bc.dims) - 1
		if k >= 0 && bc.sa[k] == fa[i]*d && bc.sb[k] == fb[i]*d {
			bc.dims[k] *= d
			bc.sa[k], bc.sb[k] = fa[i], fb[i]
			continue
		}
		bc.dims = append(bc.dims, d)
		bc.sa = append(bc.sa, fa[i])
		bc.sb = append(bc.sb, fb[i])
	}
	if len(bc.dims) == 0 {
		bc.dims, bc.sa, bc.sb = []int{1}, []int{1}, []int{1}
	}
	return bc
}

// each calls fn for every innermost run with the run's start offsets in the
// result and both operands; the run has length inner() and operand strides
// innerStrides().
func (bc *bcast) each(fn func(o, ia, ib int)) {
	nd := len(bc.dims)
	n := bc.dims[nd-1]
	if nd == 1 {
		fn(0, 0, 0)
		return
	}
	idx := make([]int, nd-1)
	ia, ib := 0, 0
	for o := 0; ; o += n {
		fn(o, ia, ib)
		k := nd - 2
		for ; k >= 0; k-- {
			idx[k]++
			ia += bc.sa[k]
			ib += bc.sb[k]
			if idx[k] < bc.dims[k] {
				break
			}
			ia -= bc.sa[k] * bc.dims[k]
			ib -= bc.sb[k] * bc.dims[k]
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

func (bc *bcast) inner() int { return bc.dims[len(bc.dims)-1] }

func (bc *bcast) innerStrides() (int, int) {
	k := len(bc.dims) - 1
	return bc.sa[k], bc.sb[k]
}

// reduceTo sums g (laid out as shape out) down to shape, the inverse of
// broadcasting shape to out, adding scale times the result into dst.
func reduceTo[T float](dst []T, shape []int, g []T, out []int, scale T) {
	if sameShape(shape, out) && scale == 1 {
		addInto(dst, g)
		return
	}
	bc := newBcast(shape, shape, out)
	n := bc.inner()
	s, _ := bc.innerStrides()
	bc.each(func(o, ia, _ int) {
		run := g[o : o+n]
		if s == 0 {
			var acc T
			for _, v := range run {
				acc += v
			}
			dst[ia] += scale * acc
			return
		}
		d := dst[ia : ia+n]
		for i, v := range run {
			d[i] += scale * v
		}
	})
}
