package widgets

import (
	"fmt"
	"math"
)

// The validators of the bounded models, as ipywidgets 8 has them: a value
// out of [min, max] is clamped into it, min above max is an error, a
// range's lower end above its upper end is an error, and so is a
// selection index out of the options.

func boundInt(min, max int, value *int) error {
	if min > max {
		return fmt.Errorf("min (%d) is greater than max (%d)", min, max)
	}
	*value = clampInt(*value, min, max)
	return nil
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

func boundFloat(min, max float64, value *float64) error {
	if min > max {
		return fmt.Errorf("min (%g) is greater than max (%g)", min, max)
	}
	if *value < min {
		*value = min
	}
	if *value > max {
		*value = max
	}
	return nil
}

func (w *IntSlider) validate() error     { return boundInt(w.Min, w.Max, &w.Value) }
func (w *FloatSlider) validate() error   { return boundFloat(w.Min, w.Max, &w.Value) }
func (w *Play) validate() error          { return boundInt(w.Min, w.Max, &w.Value) }
func (w *IntProgress) validate() error   { return boundInt(w.Min, w.Max, &w.Value) }
func (w *FloatProgress) validate() error { return boundFloat(w.Min, w.Max, &w.Value) }

// validate bounds the value shown by Base**Min and Base**Max (Min and Max
// are exponents).
func (w *FloatLogSlider) validate() error {
	if w.Min > w.Max {
		return fmt.Errorf("min (%g) is greater than max (%g)", w.Min, w.Max)
	}
	return boundFloat(math.Pow(w.Base, w.Min), math.Pow(w.Base, w.Max), &w.Value)
}

func (w *IntRangeSlider) validate() error {
	if w.Min > w.Max {
		return fmt.Errorf("min (%d) is greater than max (%d)", w.Min, w.Max)
	}
	if w.Value[0] > w.Value[1] {
		return fmt.Errorf("value: the lower end (%d) is greater than the upper end (%d)", w.Value[0], w.Value[1])
	}
	w.Value = [2]int{clampInt(w.Value[0], w.Min, w.Max), clampInt(w.Value[1], w.Min, w.Max)}
	return nil
}

func (s *Selection) validate() error {
	if s.Index != nil && (*s.Index < 0 || *s.Index >= len(s.Options)) {
		return fmt.Errorf("index %d is out of range: there are %d options", *s.Index, len(s.Options))
	}
	return nil
}
