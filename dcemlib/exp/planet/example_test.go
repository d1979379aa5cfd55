package planet_test

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
)

// Phase 1 of the paper at a toy budget (Quick, shortened: 2 random seed
// episodes and 2 planned episodes of 12 control steps, a small model): Run
// trains the world model between episodes and plans with full-space CEM in
// it. With Options.Checkpoint the run is resumable, and ReadSaved,
// LoadModel, LoadResult and LoadAgent read the checkpoint's parts.
func ExampleRun() {
	cfg := planet.Quick("cheetah.run")
	cfg.EpisodeSteps, cfg.Updates = 48, 3 // 12 control steps (action repeat 4)
	res, err := planet.Run(context.Background(), cfg, planet.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	count := map[string]int{}
	for _, e := range res.Episodes {
		count[e.Kind]++
	}
	fmt.Printf("episodes: %d seed, %d train, %d eval; %d model updates in %d rounds\n",
		count["seed"], count["train"], count["eval"], res.Updates, len(res.Losses))
	steps, returns := res.Returns("eval")
	fmt.Printf("evaluation after %v environment steps: %d return\n", steps, len(returns))
	// Output:
	// episodes: 2 seed, 2 train, 1 eval; 6 model updates in 2 rounds
	// evaluation after [192] environment steps: 1 return
}
