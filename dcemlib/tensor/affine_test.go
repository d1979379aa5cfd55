package tensor

import "testing"

// TestAddBiasRange checks the bias added to a stretch of a row-major matrix
// starting mid-row, as the activation pass of Affine splits the product
// among goroutines, against element-by-element addition.
func TestAddBiasRange(t *testing.T) {
	bias := []float64{1, 2, 3, 4, 5}
	for lo := range 13 {
		for hi := lo; hi <= 23; hi++ {
			got := make([]float64, hi-lo)
			addBiasRange(got, bias, lo%5)
			for i, v := range got {
				if want := bias[(lo+i)%5]; v != want {
					t.Fatalf("[%d, %d) element %d: %v, want %v", lo, hi, lo+i, v, want)
				}
			}
		}
	}
}

// TestAffineBiasLarge checks a product large enough for the activation
// pass to split among goroutines mid-row (GOMAXPROCS ≥ 2) against the
// product and bias added row by row.
func TestAffineBiasLarge(t *testing.T) {
	g := NewRNG(5)
	x, w, b := RandNOf(Float32, g, 997, 37), RandNOf(Float32, g, 37, 101), RandNOf(Float32, g, 101)
	got := Affine(x, w, b, ActReLU).Data32()
	want := x.MatMul(w).Data32()
	bd := b.Data32()
	for i := range want {
		v := want[i] + bd[i%101]
		if v < 0 {
			v = 0
		}
		if d := got[i] - v; d > 1e-4 || d < -1e-4 {
			t.Fatalf("element %d: %v, want %v", i, got[i], v)
		}
	}
}
