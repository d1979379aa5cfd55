package paired

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestExactPermutation checks the exact sign-flip p-value against a count
// by hand: differences (1, 2, 3, 4) have mean 2.5, and of the 16 sign
// patterns only all-plus and all-minus reach |mean| ≥ 2.5, so p = 2/16.
func TestExactPermutation(t *testing.T) {
	a := []float64{10, 10, 10, 10}
	b := []float64{11, 12, 13, 14}
	c, err := Compare(a, b, 0.95, 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.P != 2.0/16 {
		t.Errorf("P = %v, want 2/16", c.P)
	}
	if c.MeanDiff != 2.5 || c.MedianDiff != 2.5 {
		t.Errorf("mean %v, median %v of the differences, want 2.5 and 2.5", c.MeanDiff, c.MedianDiff)
	}
	// The bootstrap means lie between the smallest and largest
	// difference, and the interval holds the mean.
	if !(c.Low >= 1 && c.High <= 4 && c.Low < 2.5 && c.High > 2.5) {
		t.Errorf("interval [%v, %v], want within [1, 4] around 2.5", c.Low, c.High)
	}
	// With 4 pairs p ≥ 1/8: never "better" at the 5% level, and the
	// verdict says why instead of "no clear difference".
	if v, want := c.Verdict(), "too few pairs to tell (n = 4: the permutation test's p is at least 0.125)"; v != want {
		t.Errorf("verdict %q with p = 1/8, want %q", v, want)
	}
	// Six pairs of one sign reach p = 2/64 < 0.05: a verdict again.
	six, err := Compare([]float64{1, 2, 3, 4, 5, 6}, []float64{9, 8, 9, 8, 9, 8}, 0.95, 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if six.P != 2.0/64 || six.MinP() != 2.0/64 || six.Verdict() != "better" {
		t.Errorf("six pairs all up: P %v, MinP %v, verdict %q; want 2/64, 2/64, better", six.P, six.MinP(), six.Verdict())
	}
}

// TestVerdicts checks clear differences both ways and a null one, with
// sampled sign patterns (20 pairs: 2^20 patterns exceed the rounds).
func TestVerdicts(t *testing.T) {
	var a, up, down, same []float64
	for i := range 20 {
		x := float64(100 + 7*(i%5))
		a = append(a, x)
		up = append(up, x+20+float64(i%3))
		down = append(down, x-15-float64(i%4))
		same = append(same, x+float64(i%2*2-1)*3) // +3, −3 alternating: mean 0
	}
	for _, c := range []struct {
		b    []float64
		want string
	}{{up, "better"}, {down, "worse"}, {same, "no clear difference"}} {
		got, err := Compare(a, c.b, 0.95, 2000, 7)
		if err != nil {
			t.Fatal(err)
		}
		if got.Verdict() != c.want {
			t.Errorf("%v: verdict %q, want %q", got, got.Verdict(), c.want)
		}
	}
	c, _ := Compare(a, up, 0.95, 2000, 7)
	if want := 1.0 / 2001; c.P != want {
		t.Errorf("every difference positive: sampled p = %v, want the floor 1/(rounds+1) = %v", c.P, want)
	}
	if !strings.Contains(c.String(), "better") {
		t.Errorf("String %q does not give the verdict", c.String())
	}
}

// TestSameSeedSameResult checks that the seed fixes the sampled parts.
func TestSameSeedSameResult(t *testing.T) {
	a := []float64{1, 5, 2, 8, 3, 9, 4, 7, 6, 0, 2, 5, 1, 3, 8, 4, 6, 9, 7, 5, 3, 2, 1, 4, 6, 8, 9, 0, 1, 2, 3, 4, 5}
	b := make([]float64, len(a))
	for i, x := range a {
		b[i] = x + math.Sin(float64(i))
	}
	c1, _ := Compare(a, b, 0.9, 500, 3)
	c2, _ := Compare(a, b, 0.9, 500, 3)
	c3, _ := Compare(a, b, 0.9, 500, 4)
	if c1 != c2 {
		t.Errorf("the same seed gave %v and %v", c1, c2)
	}
	if c1 == c3 {
		t.Errorf("seeds 3 and 4 gave the same sampled result %v", c1)
	}
}

func TestErrorsNameTheProblem(t *testing.T) {
	for _, c := range []struct {
		a, b   []float64
		level  float64
		rounds int
		want   string
	}{
		{[]float64{1, 2}, []float64{1}, 0.95, 100, "pairs"},
		{[]float64{1}, []float64{1}, 0.95, 100, "at least 2"},
		{[]float64{1, 2}, []float64{1, 2}, 1, 100, "level"},
		{[]float64{1, 2}, []float64{1, 2}, 0.95, 10, "rounds"},
		{[]float64{1, math.NaN()}, []float64{1, 2}, 0.95, 100, "pair 1"},
	} {
		_, err := Compare(c.a, c.b, c.level, c.rounds, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v/%v level %v rounds %d: error %v, want one naming %q", c.a, c.b, c.level, c.rounds, err, c.want)
		}
	}
}

// ExampleCompare compares two controllers on the same 8 start states.
func ExampleCompare() {
	fullCEM := []float64{410, 395, 430, 402, 388, 415, 420, 399}
	latent := []float64{380, 371, 405, 390, 350, 398, 391, 377}
	c, err := Compare(fullCEM, latent, 0.95, 10000, 1)
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean difference %+.1f, p = %.4f: %s\n", c.MeanDiff, c.P, c.Verdict())
	// Output: mean difference -24.6, p = 0.0078: worse
}
