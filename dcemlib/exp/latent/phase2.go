package latent

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/envs/dmc"
)

// Phase2Config holds the settings of phase 2: the world-model run that
// continues (planet.Config: its model updates, episodes and evaluation; its
// Planner is not used) and the latent DCEM agent that acts in it.
type Phase2Config struct {
	World planet.Config `json:"world"`
	Agent AgentConfig   `json:"agent"`
}

// Phase2Quick returns a run of seconds on task for tests: planet.Quick's
// world model and a small agent.
func Phase2Quick(task string) Phase2Config {
	a := DefaultAgent()
	a.Latent, a.Hidden, a.Horizon = 4, []int{16}, 6
	a.Samples, a.Elites, a.Iters = 20, 4, 3
	a.Steps, a.Batch, a.ChunkLength = 3, 4, 5
	return Phase2Config{World: planet.Quick(task), Agent: a}
}

// Phase2Small returns a reduced budget for a 2-core machine: planet.Small's
// world-model settings for 20 more episodes, and the paper's latent DCEM
// with 20 decoder updates of 20 start states per round. A decoder update
// differentiates through a batched DCEM solve (start states × 100 samples
// × 10 iterations × 12 steps, forward and backward): on a quiet 2-core
// machine 3.1 s and 1.9 GB of graph for 10 start states, 27 s and 8.6 GB
// for 50 (BenchmarkTrainStep, 2 BLAS threads).
func Phase2Small(task string) Phase2Config {
	w := planet.Small(task)
	w.Episodes = 20
	a := DefaultAgent()
	a.Steps, a.Batch = 20, 20
	return Phase2Config{World: w, Agent: a}
}

// Budget describes phase 2's world-model budget as planet.Config.Budget
// does, counting the episodes phase 2 collects: with phase 1's replay kept
// (dropReplay false, the default) it collects no seed episodes.
func (c Phase2Config) Budget(dropReplay bool) string {
	w := c.World
	if !dropReplay {
		w.SeedEpisodes = 0
	}
	return w.Budget()
}

// Continue makes phase 2 train the world model as phase 1 trained it: the
// model's sizes and loss settings (free nats, reward scale, KL balance)
// and the observation normalization are phase1's. Phase 2's own budget
// (episodes, updates, evaluation) stays.
func (c *Phase2Config) Continue(phase1 planet.Config) {
	c.World.Model = phase1.Model
	c.World.NormalizeObs = phase1.NormalizeObs
}

// continuesModel returns an error naming the first world-model setting in
// which phase 2 (cfg) differs from the phase-1 run (prev): a phase 2 that
// trained the model with another loss would not continue phase 1.
func continuesModel(cfg, prev planet.Config, from string) error {
	want, got := prev.Model, cfg.Model
	want.ObsSize, want.ActionSize, got.ObsSize, got.ActionSize = 0, 0, 0, 0
	if got != want {
		return fmt.Errorf("latent: RunPhase2: the world model's settings %+v differ from phase 1's %+v in %s (Phase2Config.Continue copies them)", got, want, from)
	}
	if cfg.NormalizeObs != prev.NormalizeObs {
		return fmt.Errorf("latent: RunPhase2: NormalizeObs = %t, phase 1 in %s ran with %t (Phase2Config.Continue copies it)", cfg.NormalizeObs, from, prev.NormalizeObs)
	}
	return nil
}

// RunPhase2 continues the phase-1 run whose checkpoint is from (its model,
// optimizer and replay buffer, as opts.ResetModel and opts.DropReplay
// allow) with the latent DCEM agent acting and learning, and returns the
// run's logs and the agent. opts.Checkpoint makes it resumable as in
// planet.Run. The world model must be trained as in phase 1 (see
// Continue): other settings are an error.
func RunPhase2(ctx context.Context, cfg Phase2Config, from string, opts planet.Options) (*planet.Result, *Agent, error) {
	prev, err := planet.LoadResult(from)
	if err != nil {
		return nil, nil, fmt.Errorf("latent: RunPhase2: %w", err)
	}
	if err := continuesModel(cfg.World, prev.Config, from); err != nil {
		return nil, nil, err
	}
	env, err := dmc.New(cfg.World.Task)
	if err != nil {
		return nil, nil, fmt.Errorf("latent: %w", err)
	}
	nu := env.ActionSize()
	env.Close()
	agent, err := NewAgent(cfg.Agent, nu)
	if err != nil {
		return nil, nil, err
	}
	agent.Workers = cfg.World.Workers
	opts.Agent = agent
	opts.From = from
	res, err := planet.Run(ctx, cfg.World, opts)
	return res, agent, err
}
