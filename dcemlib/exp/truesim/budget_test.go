package truesim

import (
	"strings"
	"testing"
)

// TestBudgetLabels checks that a budget below the paper's is labelled
// reduced and names the paper's, and that only the paper's own budget is
// called the paper's.
func TestBudgetLabels(t *testing.T) {
	d := Default()
	want := "reduced budget: 200 candidates, 20 elites, 5 iterations, horizon 12; the paper: 1000/100/10, horizon 12"
	if b := d.Budget(); b != want {
		t.Errorf("Default().Budget() = %q, want %q", b, want)
	}
	q := Quick()
	if b := q.Budget(); !q.Reduced() || !strings.HasPrefix(b, "reduced budget: 50 candidates, 5 elites, 3 iterations") {
		t.Errorf("Quick().Budget() = %q", b)
	}
	p := Default()
	p.Samples, p.Elites, p.Iters = PaperSamples, PaperElites, PaperIters
	if b := p.Budget(); p.Reduced() || b != "the paper's budget: 1000 candidates, 100 elites, 10 iterations, horizon 12" {
		t.Errorf("the paper's budget is labelled %q (reduced %v)", b, p.Reduced())
	}
	// One setting below the paper's is enough to make a budget reduced.
	p.Iters = 9
	if b := p.Budget(); !p.Reduced() || !strings.HasPrefix(b, "reduced budget:") {
		t.Errorf("%q is not labelled reduced", b)
	}
	p.Iters, p.Samples = PaperIters, 2000
	if b := p.Budget(); p.Reduced() || strings.Contains(b, "the paper's budget") {
		t.Errorf("a budget above the paper's is labelled %q", b)
	}
}
