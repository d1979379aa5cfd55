package nn

import (
	"fmt"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Activation names an elementwise nonlinearity used between the layers of
// an MLP.
type Activation int

const (
	// Identity is no nonlinearity.
	Identity Activation = iota
	// Softplus is log(1 + eˣ), the activation of the regression energy
	// network (paper §5.1, app. B).
	Softplus
	// ELU is x for x > 0 and eˣ − 1 otherwise (α = 1), the activation of
	// the cartpole action decoder (paper §5.2).
	ELU
	// ReLU is max(x, 0).
	ReLU
	// Tanh is the hyperbolic tangent.
	Tanh
	// Sigmoid is 1/(1 + e⁻ˣ).
	Sigmoid
)

var activationNames = []string{"identity", "softplus", "elu", "relu", "tanh", "sigmoid"}

// String returns the activation's lower-case name.
func (a Activation) String() string {
	if a < 0 || int(a) >= len(activationNames) {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationNames[a]
}

// ParseActivation returns the activation with the given name (case
// insensitive): identity, softplus, elu, relu, tanh or sigmoid.
func ParseActivation(name string) (Activation, error) {
	for i, n := range activationNames {
		if strings.EqualFold(name, n) {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("nn.ParseActivation: unknown activation %q, want one of %s", name, strings.Join(activationNames, ", "))
}

// Apply returns the activation of x, elementwise.
func (a Activation) Apply(x *tensor.Tensor) *tensor.Tensor {
	switch a {
	case Identity:
		return x
	case Softplus:
		return x.Softplus()
	case ELU:
		return x.ELU(1)
	case ReLU:
		return x.ReLU()
	case Tanh:
		return x.Tanh()
	case Sigmoid:
		return x.Sigmoid()
	}
	panic(fmt.Sprintf("nn.Activation.Apply: unknown activation %d", int(a)))
}

// Deriv returns the derivative of the activation at the pre-activation
// pre, given post = a.Apply(pre), as tensor operations: the result is
// differentiable with respect to whatever pre depends on, which is what a
// gradient of a gradient needs. For Identity it returns nil (a derivative
// of one). ReLU's derivative is a constant step, whose own derivative is
// zero almost everywhere.
func (a Activation) Deriv(pre, post *tensor.Tensor) *tensor.Tensor {
	switch a {
	case Identity:
		return nil
	case Softplus:
		return pre.Sigmoid()
	case ELU:
		// 1 for x > 0, eˣ = post + 1 otherwise.
		return tensor.Where(positiveMask(pre), tensor.FullOf(pre.DType(), 1, pre.Shape()...).ToDevice(pre.Device()), post.AddScalar(1))
	case ReLU:
		return positiveMask(pre)
	case Tanh:
		return post.Square().Neg().AddScalar(1)
	case Sigmoid:
		return post.Mul(post.Neg().AddScalar(1))
	}
	panic(fmt.Sprintf("nn.Activation.Deriv: unknown activation %d", int(a)))
}

// positiveMask returns the constant tensor 1[x > 0], on x's device.
func positiveMask(x *tensor.Tensor) *tensor.Tensor {
	if x.OnDevice() {
		return positiveMaskT[float32](x).ToDevice(x.Device())
	}
	if x.DType() == tensor.Float32 {
		return positiveMaskT[float32](x)
	}
	return positiveMaskT[float64](x)
}

func positiveMaskT[T float](x *tensor.Tensor) *tensor.Tensor {
	xd := data[T](x)
	md := make([]T, len(xd))
	for i, v := range xd {
		if v > 0 {
			md[i] = 1
		}
	}
	return newOp[T]("Mask", md, x.Shape(), nil, nil)
}

// fused returns the activation as the tensor package's fused-layer
// activation, and whether it has one.
func (a Activation) fused() (tensor.Act, bool) {
	switch a {
	case Identity:
		return tensor.ActIdentity, true
	case Softplus:
		return tensor.ActSoftplus, true
	case ELU:
		return tensor.ActELU, true
	case ReLU:
		return tensor.ActReLU, true
	case Tanh:
		return tensor.ActTanh, true
	case Sigmoid:
		return tensor.ActSigmoid, true
	}
	return 0, false
}
