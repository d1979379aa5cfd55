package sweep_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/dcem-go/dcem/dcemlib/sweep"
)

// squares is an experiment of four independent runs: point i squares i.
type squares struct{}

func (squares) Name() string     { return "squares" }
func (squares) Config() any      { return map[string]int{"points": 4} }
func (squares) Points() []string { return []string{"0", "1", "2", "3"} }
func (squares) RunPoint(ctx context.Context, i int, work string) (any, error) {
	return i * i, nil
}

// A sweep of four points run locally in two parts, as an interrupted
// sweep resumes: the second call runs only the missing points, and the
// records are read back in grid order. A Slurm job array (Submit) runs
// the same points from the same directory.
func Example() {
	dir, err := os.MkdirTemp("", "sweep-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	d, err := sweep.Create(dir, squares{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := d.RunLocal(ctx, squares{}, []int{0, 2}, 2); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("missing after the first part:", d.Missing())

	// Later, perhaps in another process: open the sweep and finish it.
	d, err = sweep.Open(dir, "squares")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := d.RunLocal(ctx, squares{}, d.Missing(), 2); err != nil {
		fmt.Println(err)
		return
	}
	records, err := d.ReadAll()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range records {
		var v int
		if err := json.Unmarshal(r.Result, &v); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("point %s: %d\n", r.Name, v)
	}
	// Output:
	// missing after the first part: [1 3]
	// point 0: 0
	// point 1: 1
	// point 2: 4
	// point 3: 9
}
