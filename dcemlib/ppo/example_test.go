package ppo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dcem-go/dcem/dcemlib/ppo"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/cartpole"
)

// PPO on the cartpole with a Gaussian MLP policy: the standard settings,
// with whole episodes per update as the DCEM paper's controller uses them,
// and a few updates only. Train's record holds one log per update; Evaluate
// runs the policy's mean action.
func ExampleTrain() {
	env := cartpole.NewEnv()
	rng := tensor.NewRNG(1)
	policy := ppo.NewGaussianMLP(env.ObservationSize(), env.ActionSize(), []int{32, 32}, 0, true, rng)
	value := ppo.NewMLPValue(env.ObservationSize(), []int{32, 32}, rng)

	cfg := ppo.Standard()
	cfg.Steps, cfg.Episodes = 0, 10 // 10 episodes of 100 steps per update
	cfg.Updates = 3
	res, err := ppo.Train(context.Background(), env, policy, value, cfg, ppo.Options{
		Progress: func(l ppo.UpdateLog) { fmt.Printf("update %d: %d episodes, %d steps\n", l.Update, l.Episodes, l.Steps) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	returns, err := ppo.Evaluate(context.Background(), env, policy, 5, 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(res.Logs), "updates,", res.TotalSteps, "steps,", len(returns), "evaluation episodes")
	// Output:
	// update 1: 10 episodes, 1000 steps
	// update 2: 10 episodes, 1000 steps
	// update 3: 10 episodes, 1000 steps
	// 3 updates, 3000 steps, 5 evaluation episodes
}

// Advantages of a three-step episode that ends at a time limit: the last
// step bootstraps from the value of the observation it led to.
func ExampleGAE() {
	rewards := []float64{1, 1, 1}
	values := []float64{2, 2, 2}
	next := []float64{0, 0, 2} // V of the observation after the last step
	ends := []ppo.End{ppo.Continue, ppo.Continue, ppo.Truncated}
	adv, ret := ppo.GAE(rewards, values, next, ends, 0.5, 1)
	fmt.Printf("advantages %.3f\nreturns    %.3f\n", adv, ret)
	// Output:
	// advantages [0.000 0.000 0.000]
	// returns    [2.000 2.000 2.000]
}

// note is a caller's own state that a checkpoint keeps (Options.Extra).
type note struct{ text string }

func (n *note) MarshalBinary() ([]byte, error) { return []byte(n.text), nil }
func (n *note) UnmarshalBinary(b []byte) error { n.text = string(b); return nil }

// A resumable run: with Options.Checkpoint the Trainer writes its state
// after every update, and a new Trainer with the same Config goes on from
// there. Options.Extra travels in the same file; SaveCheckpoint saves it
// also before the first update (an evaluation made before training, say).
func ExampleTrainer_SaveCheckpoint() {
	dir, err := os.MkdirTemp("", "ppo-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ppo.bin")

	env := cartpole.NewEnv()
	cfg := ppo.Standard()
	cfg.Steps, cfg.Episodes, cfg.Updates = 0, 2, 2
	start := func(n *note) (*ppo.Trainer, error) {
		rng := tensor.NewRNG(1)
		policy := ppo.NewGaussianMLP(env.ObservationSize(), env.ActionSize(), []int{16}, 0, true, rng)
		value := ppo.NewMLPValue(env.ObservationSize(), []int{16}, rng)
		return ppo.NewTrainer([]envs.Env{env}, policy, value, cfg, ppo.Options{Checkpoint: path, Extra: n})
	}

	tr, err := start(&note{text: "evaluated before training"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := tr.SaveCheckpoint(); err != nil {
		fmt.Println(err)
		return
	}

	// Later, perhaps in another process: the same Config resumes.
	saved := &note{}
	tr, err = start(saved)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("resumed after %d updates: %q\n", tr.Updates(), saved.text)
	res, err := tr.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(res.Logs), "updates,", res.TotalSteps, "steps")
	// Output:
	// resumed after 0 updates: "evaluated before training"
	// 2 updates, 400 steps
}
