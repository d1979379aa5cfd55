package envs_test

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/dmc"
)

// Batch runs episodes of several environments in parallel; here 4
// walker.walk instances with the paper's action repeat of 2, on 2 workers,
// under a policy that holds every joint still.
func ExampleBatch_Rollouts() {
	walker, err := dmc.NewWalkerWalk()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer walker.Close()
	var es []envs.Env
	for range 4 {
		w, _ := walker.Clone()
		defer w.Close()
		r, _ := envs.NewActionRepeat(w, 2)
		es = append(es, r)
	}
	b, _ := envs.NewBatch(es, 2)
	zero := make([]float64, 6)
	eps, err := b.Rollouts(context.Background(), []uint64{1, 2, 3, 4},
		func(env, t int, obs []float64) []float64 { return zero }, 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, ep := range eps {
		fmt.Printf("env %d: %d steps, return %.1f\n", i, len(ep.Rewards), ep.Return)
	}
	// Output:
	// env 0: 100 steps, return 5.3
	// env 1: 100 steps, return 4.9
	// env 2: 100 steps, return 4.5
	// env 3: 100 steps, return 7.7
}
