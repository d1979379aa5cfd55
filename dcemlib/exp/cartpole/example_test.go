package cartpole_test

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/exp/cartpole"
)

// One training run of the grid at a toy budget (paper alg. 2): a decoder
// from a 2-d latent space trained by latent DCEM for 20 updates, validated
// every 10, and its best decoder measured on the test states. Run does
// every point of Config.Grid and assembles the paper's figures.
func ExampleRunPoint() {
	cfg := cartpole.Quick()
	cfg.Updates, cfg.ValEvery, cfg.ValStates = 20, 10, 2
	cfg.Hidden = []int{16, 16}
	cfg.LatentSamples, cfg.LatentElites, cfg.LatentIters = 20, 4, 3
	pts := cfg.Grid()
	fmt.Println("grid:", pts[0].Name(), "…", len(pts), "runs")
	tr, err := cartpole.RunPoint(context.Background(), cfg, pts[0], nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("validated after %v updates; best decoder kept: %v\n", tr.Updates, tr.Best != nil)
	// Output:
	// grid: dim2-tau1-seed0 … 2 runs
	// validated after [10 20] updates; best decoder kept: true
}
