package truesim

import (
	"context"
	"testing"
)

// TestPlanningBeatsRandom: even a small CEM budget on the true simulator
// collects more reward than random actions over the same steps.
func TestPlanningBeatsRandom(t *testing.T) {
	cfg := Quick()
	cfg.FrameEvery = 0
	cfg.RandomEpisodes = 2
	var calls int
	res, err := Run(context.Background(), cfg, func(Progress) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 2 || calls != 2*cfg.Steps {
		t.Fatalf("%d tasks, %d progress calls", len(res.Tasks), calls)
	}
	for _, tr := range res.Tasks {
		best := 0.0
		for _, r := range tr.RandomReturns {
			best = max(best, r)
		}
		if !(tr.PlannedReturns[0] > best) {
			t.Errorf("%s: planned return %g, best random %g", tr.Task, tr.PlannedReturns[0], best)
		}
		if len(tr.Rewards) != cfg.Steps {
			t.Errorf("%s: %d rewards", tr.Task, len(tr.Rewards))
		}
		t.Logf("%s: planned %.2f, random %v, %.3f s per step", tr.Task, tr.PlannedReturns[0], tr.RandomReturns, tr.SecondsPerStep)
	}
}

func TestValidate(t *testing.T) {
	c := Quick()
	c.Elites = c.Samples
	if _, err := Run(context.Background(), c, nil); err == nil {
		t.Error("elites = samples accepted")
	}
	c = Quick()
	c.Tasks = []string{"pendulum.swing"}
	if _, err := Run(context.Background(), c, nil); err == nil {
		t.Error("unknown task accepted")
	}
}
