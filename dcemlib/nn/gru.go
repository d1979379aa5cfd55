package nn

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// GRUCell is a gated recurrent unit (Cho et al. 2014) in PyTorch's form,
// the deterministic path of the PlaNet world model that the paper's
// control experiments plan in (§5.3):
//
//	r = σ(x·Wᵢᵣ + bᵢᵣ + h·Wₕᵣ + bₕᵣ)
//	z = σ(x·Wᵢ𝓏 + bᵢ𝓏 + h·Wₕ𝓏 + bₕ𝓏)
//	n = tanh(x·Wᵢₙ + bᵢₙ + r ⊙ (h·Wₕₙ + bₕₙ))
//	h' = (1 − z) ⊙ n + z ⊙ h
//
// The three gates' weights are stored side by side: Wi is (In, 3·Hidden)
// and Wh is (Hidden, 3·Hidden), in the order r, z, n.
type GRUCell struct {
	// Input is the input-to-hidden layer, Hidden the hidden-to-hidden one.
	Input, Hidden *Linear
	// In and Size are the input and hidden widths.
	In, Size int
}

// NewGRUCell returns a cell from in inputs to a hidden state of size
// hidden, every weight and bias drawn from U(−1/√hidden, 1/√hidden) as
// PyTorch does. It panics if a size is below one or rng is nil.
func NewGRUCell(in, hidden int, rng *tensor.RNG) *GRUCell {
	if in < 1 || hidden < 1 {
		panic(fmt.Sprintf("nn.NewGRUCell: in = %d, hidden = %d, want both ≥ 1", in, hidden))
	}
	if rng == nil {
		panic("nn.NewGRUCell: rng is nil")
	}
	bound := 1 / math.Sqrt(float64(hidden))
	mk := func(rows int) *Linear {
		w := tensor.RandU(rng, -bound, bound, rows, 3*hidden).RequiresGrad()
		b := tensor.RandU(rng, -bound, bound, 3*hidden).RequiresGrad()
		return &Linear{W: w, B: b, In: rows, Out: 3 * hidden}
	}
	return &GRUCell{Input: mk(in), Hidden: mk(hidden), In: in, Size: hidden}
}

// Forward returns the next hidden state for input x of shape (B, In) and
// state h of shape (B, Size), as one fused operation (tensor.GRUCell): one
// matrix product per side and the gate arithmetic in one pass, forward and
// backward. x and h must have the cell's dtype.
func (c *GRUCell) Forward(x, h *tensor.Tensor) *tensor.Tensor {
	if x.Dims() != 2 || x.Dim(1) != c.In || h.Dims() != 2 || h.Dim(1) != c.Size || h.Dim(0) != x.Dim(0) {
		panic(fmt.Sprintf("nn.GRUCell.Forward: x %v, h %v, want (B, %d) and (B, %d)", x.Shape(), h.Shape(), c.In, c.Size))
	}
	return tensor.GRUCell(x, h, c.Input.W, c.Input.B, c.Hidden.W, c.Hidden.B)
}

// DType returns the dtype of the cell's parameters.
func (c *GRUCell) DType() tensor.DType { return c.Input.W.DType() }

// Convert returns a copy of the cell with its parameters in dtype dt (see
// Linear.Convert).
func (c *GRUCell) Convert(dt tensor.DType) *GRUCell {
	return &GRUCell{Input: c.Input.Convert(dt), Hidden: c.Hidden.Convert(dt), In: c.In, Size: c.Size}
}

// Params returns Wi, bi, Wh, bh.
func (c *GRUCell) Params() []*tensor.Tensor {
	return append(c.Input.Params(), c.Hidden.Params()...)
}
