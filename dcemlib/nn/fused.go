package nn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// softplus returns log(1 + eˣ) elementwise as one operation that keeps the
// logistic σ(x) of its forward pass for the backward pass, so that each
// element costs one exponential and a short series in all.
func softplus(x *tensor.Tensor) *tensor.Tensor { return addSoftplus(x, nil) }

// addSoftplus returns softplus(x + b) with the bias b, shape (n), added to
// every row of x, shape (..., n); b may be nil. The bias addition and the
// activation of a linear layer are one operation: one pass, one buffer.
func addSoftplus(x, b *tensor.Tensor) *tensor.Tensor {
	xd := x.Data()
	n := x.Dim(-1)
	var bd []float64
	inputs := []*tensor.Tensor{x}
	if b != nil {
		if b.Dims() != 1 || b.Dim(0) != n {
			panic(fmt.Sprintf("nn: addSoftplus: bias shape %v, want (%d)", b.Shape(), n))
		}
		bd = b.Data()
		inputs = append(inputs, b)
	}
	out := make([]float64, len(xd))
	var sig []float64
	if x.NeedsGrad() || (b != nil && b.NeedsGrad()) {
		sig = make([]float64, len(xd))
	}
	for i, v := range xd {
		if bd != nil {
			v += bd[i%n]
		}
		e := math.Exp(-math.Abs(v)) // in (0, 1]
		out[i] = math.Max(v, 0) + log1pUnit(e)
		if sig != nil {
			if v >= 0 {
				sig[i] = 1 / (1 + e)
			} else {
				sig[i] = e / (1 + e)
			}
		}
	}
	return tensor.NewOp("Softplus", out, x.Shape(), inputs, func(g []float64, grads [][]float64) {
		gx := grads[0]
		var gb []float64
		if len(grads) > 1 {
			gb = grads[1]
		}
		for i, v := range g {
			d := v * sig[i]
			if gx != nil {
				gx[i] += d
			}
			if gb != nil {
				gb[i%n] += d
			}
		}
	})
}

// log1pUnit returns log(1 + e) for e in [0, 1] to within a few ulps,
// faster than math.Log1p: with 1 + e = 2ᵏ(1 + f), k ∈ {0, 1} and
// |f| ≤ √2 − 1, log(1 + f) = 2 atanh(s), s = f/(2 + f), |s| ≤ 0.1716,
// summed as the odd series 2s(1 + s²/3 + s⁴/5 + …) to 12 terms
// (s²⁴/25 < 10⁻¹⁸). The polynomial in z = s² is evaluated by Estrin's
// scheme, whose short dependency chains keep the processor's pipelines
// full.
func log1pUnit(e float64) float64 {
	k := 0.0
	f := e
	if e > math.Sqrt2-1 {
		k = 1
		f = (e - 1) / 2
	}
	s := f / (2 + f)
	z := s * s
	z2 := z * z
	z4 := z2 * z2
	z8 := z4 * z4
	a0 := 1 + z*(1.0/3)
	a1 := 1.0/5 + z*(1.0/7)
	a2 := 1.0/9 + z*(1.0/11)
	a3 := 1.0/13 + z*(1.0/15)
	a4 := 1.0/17 + z*(1.0/19)
	a5 := 1.0/21 + z*(1.0/23)
	b0 := a0 + z2*a1
	b1 := a2 + z2*a3
	b2 := a4 + z2*a5
	p := b0 + z4*b1 + z8*b2
	return k*math.Ln2 + 2*s*p
}

// matMulT returns a·wᵀ for a of shape (..., n) and a 2-d w of shape (m, n):
// the product with a transposed weight matrix that a backward pass written
// in forward operations needs, without copying w.
func matMulT(a, w *tensor.Tensor) *tensor.Tensor {
	if w.Dims() != 2 || a.Dims() < 1 || a.Dim(-1) != w.Dim(1) {
		panic(fmt.Sprintf("nn: matMulT: shapes %v · %vᵀ do not match", a.Shape(), w.Shape()))
	}
	m, n := w.Dim(0), w.Dim(1)
	rows := a.Size() / n
	out := make([]float64, rows*m)
	ad, wd := a.Data(), w.Data()
	gemm(blas.NoTrans, blas.Trans, rows, m, n, ad, n, wd, n, out, m, 0)
	shape := a.Shape()
	shape[len(shape)-1] = m
	return tensor.NewOp("MatMulT", out, shape, []*tensor.Tensor{a, w}, func(g []float64, grads [][]float64) {
		if grads[0] != nil { // dA = G·W
			gemm(blas.NoTrans, blas.NoTrans, rows, n, m, g, m, wd, n, grads[0], n, 1)
		}
		if grads[1] != nil { // dW = Gᵀ·A
			gemm(blas.Trans, blas.NoTrans, m, n, rows, g, m, ad, n, grads[1], n, 1)
		}
	})
}

// gemm computes C = op(A)·op(B) + beta·C for row-major operands; r×c is the
// shape of C and k the inner length; lda, ldb, ldc are the row strides.
func gemm(ta, tb blas.Transpose, r, c, k int, a []float64, lda int, b []float64, ldb int, cd []float64, ldc int, beta float64) {
	if r == 0 || c == 0 || k == 0 {
		return
	}
	ar, ac := r, k
	if ta == blas.Trans {
		ar, ac = k, r
	}
	br, bc := k, c
	if tb == blas.Trans {
		br, bc = c, k
	}
	blas64.Gemm(ta, tb, 1,
		blas64.General{Rows: ar, Cols: ac, Stride: lda, Data: a[:ar*lda]},
		blas64.General{Rows: br, Cols: bc, Stride: ldb, Data: b[:br*ldb]},
		beta, blas64.General{Rows: r, Cols: c, Stride: ldc, Data: cd[:r*ldc]})
}
