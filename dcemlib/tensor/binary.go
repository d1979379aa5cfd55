package tensor

// binKind names an elementwise binary operation.
type binKind int

const (
	binAdd binKind = iota
	binSub
	binMul
	binDiv
	binMax
	binMin
)

var binNames = [...]string{"Add", "Sub", "Mul", "Div", "Maximum", "Minimum"}

// binRun computes o[i] = a[i·sa] ∘ b[i·sb] for one run; sa and sb are 0 or 1.
func binRun[T float](k binKind, o, a, b []T, sa, sb int) {
	n := len(o)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		switch k {
		case binAdd:
			for i := range o {
				o[i] = a[i] + b[i]
			}
		case binSub:
			for i := range o {
				o[i] = a[i] - b[i]
			}
		case binMul:
			for i := range o {
				o[i] = a[i] * b[i]
			}
		case binDiv:
			for i := range o {
				o[i] = a[i] / b[i]
			}
		case binMax:
			for i := range o {
				o[i] = maxT(a[i], b[i])
			}
		case binMin:
			for i := range o {
				o[i] = minT(a[i], b[i])
			}
		}
	case sa == 1: // b broadcast along the run
		a, v := a[:n], b[0]
		switch k {
		case binAdd:
			for i := range o {
				o[i] = a[i] + v
			}
		case binSub:
			for i := range o {
				o[i] = a[i] - v
			}
		case binMul:
			for i := range o {
				o[i] = a[i] * v
			}
		case binDiv:
			for i := range o {
				o[i] = a[i] / v
			}
		case binMax:
			for i := range o {
				o[i] = maxT(a[i], v)
			}
		case binMin:
			for i := range o {
				o[i] = minT(a[i], v)
			}
		}
	default: // a broadcast along the run
		v, b := a[0], b[:n]
		switch k {
		case binAdd:
			for i := range o {
				o[i] = v + b[i]
			}
		case binSub:
			for i := range o {
				o[i] = v - b[i]
			}
		case binMul:
			for i := range o {
				o[i] = v * b[i]
			}
		case binDiv:
			for i := range o {
				o[i] = v / b[i]
			}
		case binMax:
			for i := range o {
				o[i] = maxT(v, b[i])
			}
		case binMin:
			for i := range o {
				o[i] = minT(v, b[i])
			}
		}
	}
}

// binGradRun adds the gradients of one run of a ∘ b: ga[i·sa] += ∂/∂a and
// gb[i·sb] += ∂/∂b, for the n elements of g. ga or gb may be nil.
func binGradRun[T float](k binKind, g, a, b, ga, gb []T, sa, sb int) {
	for i, gi := range g {
		x, y := a[i*sa], b[i*sb]
		var da, db T
		switch k {
		case binAdd:
			da, db = gi, gi
		case binSub:
			da, db = gi, -gi
		case binMul:
			da, db = gi*y, gi*x
		case binDiv:
			da = gi / y
			db = -da * x / y
		case binMax:
			if x >= y {
				da = gi
			} else {
				db = gi
			}
		case binMin:
			if x <= y {
				da = gi
			} else {
				db = gi
			}
		}
		if ga != nil {
			ga[i*sa] += da
		}
		if gb != nil {
			gb[i*sb] += db
		}
	}
}

// binary applies k elementwise with broadcasting and records its gradient.
func binary(k binKind, a, b *Tensor) *Tensor {
	if a.dev != nil || b.dev != nil {
		return devBinary(k, a, b)
	}
	sameDType(binNames[k], a, b)
	if a.dtype == Float32 {
		return binaryT[float32](k, a, b)
	}
	return binaryT[float64](k, a, b)
}

func binaryT[T float](k binKind, a, b *Tensor) *Tensor {
	name := binNames[k]
	if sameShape(a.shape, b.shape) {
		outd := allocDirty[T](a.Size(), a, b)
		binRun(k, outd, vals[T](a), vals[T](b), 1, 1)
		out := wrapIn(outd, a.shape, a, b)
		var ad, bd []T // operand values, kept only where the gradient needs them
		if k != binAdd && k != binSub {
			ad, bd = vals[T](a), vals[T](b)
		}
		record(out, name, []*Tensor{a, b}, func(g []T, grads [][]T) {
			ga, gb := grads[0], grads[1]
			switch {
			case k == binAdd:
				if ga != nil {
					addInto(ga, g)
				}
				if gb != nil {
					addInto(gb, g)
				}
			case k == binSub:
				if ga != nil {
					addInto(ga, g)
				}
				if gb != nil {
					for i, v := range g {
						gb[i] -= v
					}
				}
			case k == binMul:
				if ga != nil {
					for i, v := range g {
						ga[i] += v * bd[i]
					}
				}
				if gb != nil {
					for i, v := range g {
						gb[i] += v * ad[i]
					}
				}
			default:
				binGradRun(k, g, ad, bd, ga, gb, 1, 1)
			}
		})
		return out
	}
	shape := broadcastShape(name, a.shape, b.shape)
	od := allocDirty[T](checkShape(name, shape), a, b)
	out := wrapIn(od, shape, a, b)
	ad, bd := vals[T](a), vals[T](b)
	bc := newBcast(a.shape, b.shape, shape)
	n := bc.inner()
	sa, sb := bc.innerStrides()
	bc.each(func(o, ia, ib int) {
		binRun(k, od[o:o+n], ad[ia:], bd[ib:], sa, sb)
	})
	if k == binAdd || k == binSub {
		// The gradient needs no operand values: capture only shapes.
		as, bs := a.shape, b.shape
		record(out, name, []*Tensor{a, b}, func(g []T, grads [][]T) {
			if grads[0] != nil {
				reduceTo(grads[0], as, g, shape, 1)
			}
			if grads[1] != nil {
				sign := T(1)
				if k == binSub {
					sign = -1
				}
				reduceTo(grads[1], bs, g, shape, sign)
			}
		})
		return out
	}
	record(out, name, []*Tensor{a, b}, func(g []T, grads [][]T) {
		ga, gb := grads[0], grads[1]
		bc.each(func(o, ia, ib int) {
			var ra, rb []T
			if ga != nil {
				ra = ga[ia:]
			}
			if gb != nil {
				rb = gb[ib:]
			}
			binGradRun(k, g[o:o+n], ad[ia:], bd[ib:], ra, rb, sa, sb)
		})
	})
	return out
}

// Add returns t + u elementwise, with broadcasting.
func (t *Tensor) Add(u *Tensor) *Tensor { return binary(binAdd, t, u) }

// Sub returns t − u elementwise, with broadcasting.
func (t *Tensor) Sub(u *Tensor) *Tensor { return binary(binSub, t, u) }

// Mul returns t ⊙ u elementwise, with broadcasting.
func (t *Tensor) Mul(u *Tensor) *Tensor { return binary(binMul, t, u) }

// Div returns t / u elementwise, with broadcasting.
func (t *Tensor) Div(u *Tensor) *Tensor { return binary(binDiv, t, u) }

// Maximum returns max(t, u) elementwise, with broadcasting; at ties the
// gradient goes to t.
func (t *Tensor) Maximum(u *Tensor) *Tensor { return binary(binMax, t, u) }

// Minimum returns min(t, u) elementwise, with broadcasting; at ties the
// gradient goes to t.
func (t *Tensor) Minimum(u *Tensor) *Tensor { return binary(binMin, t, u) }

// maxT and minT are math.Max and math.Min for T (NaN wins, as there).
func maxT[T float](x, y T) T {
	switch {
	case x != x:
		return x
	case y != y:
		return y
	case x > y:
		return x
	}
	return y
}

func minT[T float](x, y T) T {
	switch {
	case x != x:
		return x
	case y != y:
		return y
	case x < y:
		return x
	}
	return y
}
