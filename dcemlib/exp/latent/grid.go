package latent

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/dcem-go/dcem/dcemlib/sweep"
)

// GridPoint is the record of one finished point of a `dcem repro latent`
// grid (its runs/NNNN.json): the task, the training seed, fig. 4's
// evaluations and each phase's budget ("phase1", "phase2").
type GridPoint struct {
	Task   string            `json:"task"`
	Seed   uint64            `json:"seed"`
	Fig4   *Fig4Result       `json:"fig4"`
	Budget map[string]string `json:"budget"`
}

// GridTask is one task of a latent grid.
type GridTask struct {
	Task string
	// Points are the task's finished points, in grid order.
	Points []GridPoint
	// Pending names the task's points without a result yet.
	Pending []string
	// Fig4 holds the evaluations of every finished point together: its
	// Returns and Compare pool and pair them over seeds and start states.
	Fig4 *Fig4Result
}

// ReadGrid reads the finished points of the latent grid in the sweep
// directory dir, grouped by task in the order the grid lists them. It
// reads while other points still run.
func ReadGrid(dir string) ([]GridTask, error) {
	d, err := sweep.Open(dir, "latent")
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Points []struct {
			Task string `json:"task"`
		} `json:"points"`
	}
	if err := json.Unmarshal(d.Manifest.Config, &cfg); err != nil {
		return nil, fmt.Errorf("latent: ReadGrid: %s: %w", dir, err)
	}
	if len(cfg.Points) != len(d.Manifest.Points) {
		return nil, fmt.Errorf("latent: ReadGrid: %s lists %d points for %d grid points", dir, len(cfg.Points), len(d.Manifest.Points))
	}
	var out []GridTask
	for i, p := range cfg.Points {
		k := slices.IndexFunc(out, func(t GridTask) bool { return t.Task == p.Task })
		if k < 0 {
			out = append(out, GridTask{Task: p.Task, Fig4: &Fig4Result{}})
			k = len(out) - 1
		}
		t := &out[k]
		if !d.Done(i) {
			t.Pending = append(t.Pending, d.Manifest.Points[i])
			continue
		}
		rec, err := d.ReadRecord(i)
		if err != nil {
			return nil, err
		}
		var pt GridPoint
		if err := json.Unmarshal(rec.Result, &pt); err != nil || pt.Fig4 == nil {
			return nil, fmt.Errorf("latent: ReadGrid: %s has no fig. 4 evaluation (%v)", d.RecordPath(i), err)
		}
		if pt.Task != p.Task {
			return nil, fmt.Errorf("latent: ReadGrid: %s is a point of %s, the grid lists %s", d.RecordPath(i), pt.Task, p.Task)
		}
		t.Points = append(t.Points, pt)
		t.Fig4.Evaluations = append(t.Fig4.Evaluations, pt.Fig4.Evaluations...)
		if t.Fig4.Imagination == "" {
			t.Fig4.Imagination = pt.Fig4.Imagination
		}
	}
	return out, nil
}
