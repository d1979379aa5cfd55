package latent

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/sweep"
)

// gridStub is a latent grid's manifest as `dcem repro latent` writes it, for
// ReadGrid to read: three points, two tasks.
type gridStub struct{}

type stubPoint struct {
	Task string `json:"task"`
	Seed uint64 `json:"seed"`
}

var stubPoints = []stubPoint{{"cheetah.run", 0}, {"walker.walk", 0}, {"cheetah.run", 1}}

func (gridStub) Name() string { return "latent" }
func (gridStub) Config() any {
	return struct {
		Points []stubPoint `json:"points"`
	}{stubPoints}
}
func (gridStub) Points() []string {
	return []string{"cheetah.run-seed0", "walker.walk-seed0", "cheetah.run-seed1"}
}
func (gridStub) RunPoint(context.Context, int, string) (any, error) { return nil, nil }

// TestReadGrid writes the records of two of a grid's three points and
// checks that ReadGrid groups them by task in grid order, pools their
// evaluations and lists the point still to run.
func TestReadGrid(t *testing.T) {
	dir := t.TempDir()
	d, err := sweep.Create(dir, gridStub{})
	if err != nil {
		t.Fatal(err)
	}
	eval := func(seed uint64, r float64) *Fig4Result {
		return &Fig4Result{Imagination: PriorMeans, Evaluations: []Fig4Evaluation{
			{Seed: seed, Controller: FullCEM, Model: FinalModel, Returns: []float64{r, r + 1}},
			{Seed: seed, Controller: LatentDCEM, Model: FinalModel, Returns: []float64{r - 1, r + 2}},
		}}
	}
	for _, i := range []int{0, 2} {
		p := stubPoints[i]
		res, err := json.Marshal(GridPoint{Task: p.Task, Seed: p.Seed, Fig4: eval(p.Seed, float64(10*i)),
			Budget: map[string]string{"phase1": "b"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WriteRecord(i, sweep.Record{Result: res}); err != nil {
			t.Fatal(err)
		}
	}
	tasks, err := ReadGrid(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 || tasks[0].Task != "cheetah.run" || tasks[1].Task != "walker.walk" {
		t.Fatalf("tasks %+v, want cheetah.run then walker.walk", tasks)
	}
	c := tasks[0]
	if len(c.Points) != 2 || c.Points[0].Seed != 0 || c.Points[1].Seed != 1 || len(c.Pending) != 0 {
		t.Errorf("cheetah: points %+v, pending %v; want seeds 0 and 1 and nothing pending", c.Points, c.Pending)
	}
	if got, want := c.Fig4.Returns(FullCEM, FinalModel), []float64{0, 1, 20, 21}; !reflect.DeepEqual(got, want) {
		t.Errorf("pooled full CEM returns %v, want %v", got, want)
	}
	if got, want := c.Fig4.Returns(LatentDCEM, FinalModel), []float64{-1, 2, 19, 22}; !reflect.DeepEqual(got, want) {
		t.Errorf("pooled latent DCEM returns %v, want %v (paired with full CEM's)", got, want)
	}
	if c.Fig4.Imagination != PriorMeans {
		t.Errorf("imagination %q, want %q", c.Fig4.Imagination, PriorMeans)
	}
	w := tasks[1]
	if len(w.Points) != 0 || !reflect.DeepEqual(w.Pending, []string{"walker.walk-seed0"}) {
		t.Errorf("walker: points %+v, pending %v; want none finished and walker.walk-seed0 pending", w.Points, w.Pending)
	}
	if _, err := ReadGrid(t.TempDir()); err == nil {
		t.Error("ReadGrid of a directory without a sweep: no error")
	}
}
