package cartpole

import (
	"context"
	"math"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/plots"
)

// TestQuick runs the Quick configuration end to end: the decoders learn
// (a later validation cost beats the first), every figure's data has its
// shape, and the run is repeatable.
func TestQuick(t *testing.T) {
	cfg := Quick()
	var calls int
	res, err := Run(context.Background(), cfg, func(Progress) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 2 || calls != 2*3 {
		t.Fatalf("%d runs, %d progress calls", len(res.Runs), calls)
	}
	for _, r := range res.Runs {
		if len(r.ValCost) != 3 || len(r.TrainCost) != 3 {
			t.Fatalf("curves %v %v", r.ValCost, r.TrainCost)
		}
		// Learning: a later checkpoint beats the first one (strictly; the
		// first validation comes after only ValEvery updates).
		if !(r.BestVal < r.ValCost[0]) || math.IsNaN(r.BestVal) {
			t.Errorf("τ = %g: best validation %g does not beat the first checkpoint's %g", r.Temp, r.BestVal, r.ValCost[0])
		}
	}
	// The expert plans well: a negative cost (upright-ish on average).
	if !(res.ExpertVal < 0) {
		t.Errorf("expert validation cost %g", res.ExpertVal)
	}
	if len(res.Factors) != 2 || res.Factors[0].Mean <= 0 {
		t.Errorf("factors %+v", res.Factors)
	}
	tr := res.Trace
	if len(tr.LatentSamples) != cfg.LatentIters || len(tr.LatentSamples[0]) != cfg.LatentSamples ||
		len(tr.ExpertCosts) != cfg.ExpertIters || tr.Surface == nil || len(tr.Surface.Cost) != cfg.GridSize {
		t.Errorf("trace shapes wrong")
	}
	if len(res.Surfaces) != len(cfg.Temps)*cfg.SurfaceStates {
		t.Errorf("%d surfaces", len(res.Surfaces))
	}
	if su := res.SwingUp; len(su.Latent) != cfg.SwingUpSteps+1 || len(su.ExpertActions) != cfg.SwingUpSteps {
		t.Errorf("swing-up lengths %d %d", len(su.Latent), len(su.ExpertActions))
	}
	// Same config, same numbers (with a different worker count).
	cfg.Workers = 1
	again, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Runs {
		if res.Runs[i].BestVal != again.Runs[i].BestVal {
			t.Fatalf("run %d not repeatable: %g vs %g", i, res.Runs[i].BestVal, again.Runs[i].BestVal)
		}
	}
}

func TestValidate(t *testing.T) {
	c := Quick()
	c.LatentElites = c.LatentSamples
	if err := c.Validate(); err == nil {
		t.Error("elites = samples accepted")
	}
	c = Quick()
	c.ValStates = 101
	if err := c.Validate(); err == nil {
		t.Error("101 validation states accepted")
	}
	c = Quick()
	c.Temps = []float64{-1}
	if _, err := Run(context.Background(), c, nil); err == nil {
		t.Error("negative temperature accepted")
	}
}

func TestFigures(t *testing.T) {
	cfg := Quick()
	cfg.Temps = []float64{1}
	cfg.Updates, cfg.ValEvery = 10, 5
	cfg.SwingUpSteps = 5
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	figs, err := Figures(res)
	if err != nil {
		t.Fatal(err)
	}
	// fig2 ×2, fig8, fig9, fig10 × states, swing-up.
	if want := 2 + 1 + 1 + cfg.SurfaceStates + 1; len(figs) != want {
		t.Fatalf("%d figures, want %d", len(figs), want)
	}
	for _, f := range figs {
		b, err := plots.Render(f.Plot, f.Width, f.Height, "png")
		if err != nil || len(b) < 1000 || string(b[1:4]) != "PNG" {
			t.Errorf("figure %s: %d bytes, %v", f.Name, len(b), err)
		}
	}
}
