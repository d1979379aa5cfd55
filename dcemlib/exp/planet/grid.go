package planet

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/dcem-go/dcem/dcemlib/paired"
	"github.com/dcem-go/dcem/dcemlib/sweep"
	"gonum.org/v1/gonum/stat"
)

// GridRun is one training run of a world-model grid (a `dcem repro planet`
// sweep directory), finished or still training.
type GridRun struct {
	// Index is the run's point in the grid; Config its settings.
	Index  int
	Config Config
	// Result is the run's record so far, read from its checkpoint; nil
	// before its first checkpoint.
	Result *Result
	// Finished is set once the run and its final evaluation are done;
	// Final then holds that evaluation's returns (empty when the grid
	// asked for none).
	Finished bool
	Final    []float64
}

// Curve returns the run's evaluations for SeedsPlot.
func (g GridRun) Curve() SeedCurve {
	c := SeedCurve{Seed: g.Config.Seed, Final: g.Final}
	if g.Result != nil {
		c.Steps, c.Returns = g.Result.Returns("eval")
		c.FinalStep = float64(g.Result.EnvSteps)
	}
	return c
}

// EnvSteps returns the environment steps the run has trained on so far.
func (g GridRun) EnvSteps() int {
	if g.Result == nil {
		return 0
	}
	return g.Result.EnvSteps
}

// gridConfig is the part of a planet sweep's configuration that ReadGrid
// needs.
type gridConfig struct {
	Runs      []Config `json:"runs"`
	FinalEval int      `json:"final_eval"`
}

// ReadGrid reads every run of the world-model grid in the sweep directory
// dir: its settings, its record so far from its checkpoint (work/NNNN/
// checkpoint.bin) and, once the point has its result (runs/NNNN.json), the
// returns of its final evaluation. It reads while runs still train there.
func ReadGrid(dir string) ([]GridRun, error) {
	d, err := sweep.Open(dir, "planet")
	if err != nil {
		return nil, err
	}
	var cfg gridConfig
	if err := json.Unmarshal(d.Manifest.Config, &cfg); err != nil {
		return nil, fmt.Errorf("planet: ReadGrid: %s: %w", dir, err)
	}
	if len(cfg.Runs) != len(d.Manifest.Points) {
		return nil, fmt.Errorf("planet: ReadGrid: %s lists %d runs for %d grid points", dir, len(cfg.Runs), len(d.Manifest.Points))
	}
	runs := make([]GridRun, len(cfg.Runs))
	for i, c := range cfg.Runs {
		g := GridRun{Index: i, Config: c}
		ckpt := filepath.Join(d.WorkDir(i), "checkpoint.bin")
		switch _, err := os.Stat(ckpt); {
		case err == nil:
			if g.Result, err = LoadResult(ckpt); err != nil {
				return nil, fmt.Errorf("planet: ReadGrid: run %d: %w", i, err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("planet: ReadGrid: run %d: %w", i, err)
		}
		if d.Done(i) {
			rec, err := d.ReadRecord(i)
			if err != nil {
				return nil, err
			}
			var pt struct {
				Final []float64 `json:"final"`
			}
			if err := json.Unmarshal(rec.Result, &pt); err != nil {
				return nil, fmt.Errorf("planet: ReadGrid: %s: %w", d.RecordPath(i), err)
			}
			if len(pt.Final) != cfg.FinalEval {
				return nil, fmt.Errorf("planet: ReadGrid: %s has %d final evaluation returns, the grid asked for %d", d.RecordPath(i), len(pt.Final), cfg.FinalEval)
			}
			g.Finished, g.Final = true, pt.Final
		}
		runs[i] = g
	}
	return runs, nil
}

// GridTask summarizes a task's runs in a grid.
type GridTask struct {
	Task string
	// Runs are the task's runs in grid order.
	Runs []GridRun
	// FinalMeans is each finished run's mean final evaluation return, in
	// the order of Runs (NaN for a run not finished).
	FinalMeans []float64
	// Median is the median of FinalMeans over the seeds, NaN until every
	// run of the task has finished with a final evaluation: the statistic
	// of the 100k-step targets.
	Median float64
}

// SummarizeGrid groups a grid's runs by task, in the order of their first
// appearance.
func SummarizeGrid(runs []GridRun) []GridTask {
	var out []GridTask
	for _, g := range runs {
		k := slices.IndexFunc(out, func(t GridTask) bool { return t.Task == g.Config.Task })
		if k < 0 {
			out = append(out, GridTask{Task: g.Config.Task})
			k = len(out) - 1
		}
		out[k].Runs = append(out[k].Runs, g)
	}
	for k := range out {
		t := &out[k]
		all := true
		for _, g := range t.Runs {
			m := math.NaN()
			if g.Finished && len(g.Final) > 0 {
				m = stat.Mean(g.Final, nil)
			} else {
				all = false
			}
			t.FinalMeans = append(t.FinalMeans, m)
		}
		t.Median = math.NaN()
		if all {
			t.Median, _ = paired.Median(t.FinalMeans) // not empty: the task has a run
		}
	}
	return out
}
