package modelcheck_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/exp/modelcheck"
	"github.com/dcem-go/dcem/dcemlib/exp/planet"
)

// Example checks the world model of a tiny phase-1 run: one episode of 10
// decisions with a small planner, the model's ranking of candidate plans
// every 5 decisions, and its open-loop errors by step of the horizon.
func Example() {
	dir, err := os.MkdirTemp("", "modelcheck")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ckpt := filepath.Join(dir, "checkpoint.bin")
	run := planet.Quick("cheetah.run")
	run.Episodes = 1
	if _, err := planet.Run(context.Background(), run, planet.Options{Checkpoint: ckpt}); err != nil {
		panic(err)
	}
	cfg := modelcheck.Default(control.CEMPlanner{Horizon: 6, Candidates: 40, Elites: 4, Iterations: 2, InitStd: 1, Lower: -1, Upper: 1})
	cfg.Steps, cfg.RankEvery, cfg.RankCandidates = 10, 5, 20
	res, err := modelcheck.Run(context.Background(), ckpt, cfg, nil)
	if err != nil {
		panic(err)
	}
	p := res.Planners[0]
	ranked := 0
	for _, d := range p.Decisions[0] {
		if d.Rank != nil {
			ranked++
		}
	}
	fmt.Printf("%s: %d decisions, %d ranked; open-loop errors for %d steps ahead\n",
		res.Task, len(p.Decisions[0]), ranked, len(p.Errors.RewardRMSE))
	// Output: cheetah.run: 10 decisions, 2 ranked; open-loop errors for 6 steps ahead
}
