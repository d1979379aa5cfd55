package planet

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/sweep"
)

// gridExperiment lays out a grid directory as `dcem repro planet` does;
// its points are run by the test itself.
type gridExperiment struct{ cfg gridConfig }

func (g gridExperiment) Name() string { return "planet" }
func (g gridExperiment) Config() any  { return g.cfg }
func (g gridExperiment) Points() []string {
	var p []string
	for _, c := range g.cfg.Runs {
		p = append(p, c.Task)
	}
	return p
}
func (g gridExperiment) RunPoint(context.Context, int, string) (any, error) { return nil, nil }

// TestReadGrid reads a grid of two runs while the first has finished and
// the second has not started, then after both finished: the runs' records
// come from their checkpoints, the final evaluations from the points'
// results, and the median over seeds only once every run has one.
func TestReadGrid(t *testing.T) {
	ctx := context.Background()
	a, b := Quick("cheetah.run"), Quick("cheetah.run")
	a.Episodes, b.Episodes, b.Seed = 1, 1, 1
	d, err := sweep.Create(filepath.Join(t.TempDir(), "grid"), gridExperiment{gridConfig{Runs: []Config{a, b}, FinalEval: 2}})
	if err != nil {
		t.Fatal(err)
	}
	train := func(i int, cfg Config, final []float64) *Result {
		res, err := Run(ctx, cfg, Options{Checkpoint: filepath.Join(d.WorkDir(i), "checkpoint.bin")})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(map[string]any{"task": cfg.Task, "final": final})
		if err := d.WriteRecord(i, sweep.Record{Result: raw}); err != nil {
			t.Fatal(err)
		}
		return res
	}
	resA := train(0, a, []float64{10, 20})

	runs, err := ReadGrid(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 {
		t.Fatalf("%d runs, want 2", len(runs))
	}
	if r := runs[0]; !r.Finished || !reflect.DeepEqual(r.Final, []float64{10, 20}) || r.EnvSteps() != resA.EnvSteps || r.Config.Seed != 0 {
		t.Errorf("run 0: finished %v, final %v, %d env steps, seed %d; want finished, [10 20], %d, seed 0",
			r.Finished, r.Final, r.EnvSteps(), r.Config.Seed, resA.EnvSteps)
	}
	steps, evals := resA.Returns("eval")
	if c := runs[0].Curve(); !reflect.DeepEqual(c.Steps, steps) || !reflect.DeepEqual(c.Returns, evals) || c.FinalStep != float64(resA.EnvSteps) {
		t.Errorf("run 0's curve %+v, want the evaluations %v at %v and the final step %d", c, evals, steps, resA.EnvSteps)
	}
	if r := runs[1]; r.Finished || r.Result != nil || r.EnvSteps() != 0 || r.Config.Seed != 1 {
		t.Errorf("run 1 before it started: finished %v, result %v, seed %d", r.Finished, r.Result != nil, r.Config.Seed)
	}
	sum := SummarizeGrid(runs)
	if len(sum) != 1 || sum[0].Task != "cheetah.run" || len(sum[0].Runs) != 2 {
		t.Fatalf("summary %+v, want one task with two runs", sum)
	}
	if s := sum[0]; s.FinalMeans[0] != 15 || !math.IsNaN(s.FinalMeans[1]) || !math.IsNaN(s.Median) {
		t.Errorf("final means %v and median %g with one run finished, want [15 NaN] and NaN", s.FinalMeans, s.Median)
	}

	train(1, b, []float64{40, 60})
	runs, err = ReadGrid(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	if s := SummarizeGrid(runs)[0]; !reflect.DeepEqual(s.FinalMeans, []float64{15, 50}) || s.Median != 32.5 {
		t.Errorf("final means %v and median %g, want [15 50] and 32.5", s.FinalMeans, s.Median)
	}

	// A result with fewer final returns than the grid asked for is an
	// error, not a shorter mean.
	raw, _ := json.Marshal(map[string]any{"final": []float64{1}})
	if err := d.WriteRecord(1, sweep.Record{Result: raw}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadGrid(d.Path); err == nil {
		t.Error("a point with 1 final return of 2: no error")
	}
	if _, err := ReadGrid(t.TempDir()); err == nil {
		t.Error("a directory without a sweep: no error")
	}
}
