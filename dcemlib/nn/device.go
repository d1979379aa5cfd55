package nn

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// moveParam returns a fresh leaf holding p's values on device d, marked
// RequiresGrad as p is. Device tensors are float32: a float64 parameter
// panics with a message naming the layer.
func moveParam(layer string, p *tensor.Tensor, d tensor.Device) *tensor.Tensor {
	if p == nil {
		return nil
	}
	if !d.IsCPU() && p.DType() != tensor.Float32 {
		panic(fmt.Sprintf("nn.%s.ToDevice: the layer is %v; layers on a device are float32: convert it with Convert(tensor.Float32) first",
			layer, p.DType()))
	}
	q := p.Detach().ToDevice(d)
	if p.Device() == d {
		q = p.Clone()
	}
	q = q.Detach()
	if p.NeedsGrad() {
		q.RequiresGrad()
	}
	return q
}

// ToDevice returns a copy of the layer with its parameters on device d
// (see tensor.Device): fresh leaves, marked RequiresGrad as the layer's
// are. The layer must be float32 for a device other than the CPU.
func (l *Linear) ToDevice(d tensor.Device) *Linear {
	return &Linear{W: moveParam("Linear", l.W, d), B: moveParam("Linear", l.B, d), In: l.In, Out: l.Out}
}

// ToDevice returns a copy of the cell with its parameters on device d (see
// Linear.ToDevice).
func (c *GRUCell) ToDevice(d tensor.Device) *GRUCell {
	return &GRUCell{Input: c.Input.ToDevice(d), Hidden: c.Hidden.ToDevice(d), In: c.In, Size: c.Size}
}

// ToDevice returns a copy of the perceptron with its parameters on device d
// (see Linear.ToDevice).
func (m *MLP) ToDevice(d tensor.Device) *MLP {
	c := &MLP{Act: m.Act, OutAct: m.OutAct}
	for _, l := range m.Layers {
		c.Layers = append(c.Layers, l.ToDevice(d))
	}
	return c
}
