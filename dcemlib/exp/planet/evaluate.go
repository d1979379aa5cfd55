package planet

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/dmc"
)

// EvalOptions set an evaluation of a trained model (Evaluate).
type EvalOptions struct {
	// Episodes is the number of episodes (≥ 1).
	Episodes int
	// Seed seeds the episodes' resets and the planner.
	Seed uint64
	// Planner, if set, replaces the run's planner settings (full-space
	// CEM); Agent, if set, acts instead, with its state from the
	// checkpoint when the checkpoint has one.
	Planner *control.CEMPlanner
	Agent   Agent
	// Workers overrides the run's worker count when positive.
	Workers int
	// Progress, if set, is called after every decision.
	Progress func(Progress)
}

// Evaluate plays noiseless episodes of a trained run's task with the model
// stored in its checkpoint file and returns their returns: the evaluation
// behind the box plots of the DCEM paper's fig. 4. The episodes are not
// stored and the checkpoint is not changed.
func Evaluate(ctx context.Context, checkpoint string, opts EvalOptions) ([]float64, error) {
	if opts.Episodes < 1 {
		return nil, fmt.Errorf("planet: Evaluate: Episodes = %d, want ≥ 1", opts.Episodes)
	}
	st, err := readCheckpoint(checkpoint)
	if err != nil {
		return nil, err
	}
	var cfg Config
	if err := json.Unmarshal(st.Config, &cfg); err != nil {
		return nil, fmt.Errorf("planet: Evaluate: %s: %w", checkpoint, err)
	}
	if opts.Planner != nil {
		cfg.Planner = *opts.Planner
	}
	if opts.Workers > 0 {
		cfg.Workers = opts.Workers
	}
	cfg.Seed = opts.Seed
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	env, err := dmc.New(cfg.Task)
	if err != nil {
		return nil, fmt.Errorf("planet: %w", err)
	}
	defer env.Close()
	rep, err := envs.NewActionRepeat(env, cfg.ActionRepeat)
	if err != nil {
		return nil, err
	}
	mc := cfg.Model
	mc.ObsSize, mc.ActionSize = env.ObservationSize(), env.ActionSize()
	m, err := rssm.New(mc, tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		return nil, err
	}
	params := m.Params()
	if len(st.Params) != len(params) {
		return nil, fmt.Errorf("planet: Evaluate: %s holds a model of other sizes", checkpoint)
	}
	for i, p := range params {
		if len(st.Params[i]) != p.Size() {
			return nil, fmt.Errorf("planet: Evaluate: %s holds a model of other sizes", checkpoint)
		}
		copy(p.Data32(), st.Params[i])
	}
	if opts.Agent != nil && st.Agent != nil {
		if err := opts.Agent.UnmarshalBinary(st.Agent); err != nil {
			return nil, fmt.Errorf("planet: Evaluate: %s: agent: %w", checkpoint, err)
		}
	}
	replay, _ := rssm.NewReplay(mc.ObsSize, mc.ActionSize)
	r := &run{cfg: cfg, opts: Options{Progress: opts.Progress, Agent: opts.Agent}, env: rep, model: m,
		opt: nn.NewAdam(params, 1e-3), replay: replay, rng: tensor.NewRNG(opts.Seed),
		res: &Result{Config: cfg, ObsSize: mc.ObsSize}, threads: func(bool) {}, start: time.Now()}
	for i := range opts.Episodes {
		if err := r.collect(ctx, "test", i); err != nil {
			return nil, err
		}
	}
	_, returns := r.res.Returns("test")
	return returns, nil
}
