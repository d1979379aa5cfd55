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
	// Act, if set, chooses every action instead (any controller that acts
	// from the belief; Planner and Agent are then unused).
	Act func(ctx context.Context, m *rssm.Model, h, s []float64, seed uint64) ([]float64, error)
	// Workers overrides the run's worker count when positive.
	Workers int
	// Progress, if set, is called after every decision.
	Progress func(Progress)
	// Device, if not the CPU, is where full-space CEM imagines (see
	// Options.Device).
	Device tensor.Device
	// Done holds the returns of the first episodes of this evaluation,
	// played earlier with the same model and options (by an interrupted
	// evaluation, say): they are kept, and play starts at episode
	// len(Done). Each episode draws only from its own streams of Seed and
	// its index, so the result equals an uninterrupted evaluation's.
	Done []float64
	// OnEpisode, if set, is called after each episode played with its
	// index and return; an error stops the evaluation.
	OnEpisode func(index int, ret float64) error
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
	m, err := LoadModel(checkpoint)
	if err != nil {
		return nil, err
	}
	if opts.Agent != nil && st.Agent != nil {
		if err := opts.Agent.UnmarshalBinary(st.Agent); err != nil {
			return nil, fmt.Errorf("planet: Evaluate: %s: agent: %w", checkpoint, err)
		}
	}
	return EvaluateModel(ctx, cfg, m, opts)
}

// EvaluateModel is Evaluate with a model in hand (one that training changed
// after its last checkpoint, say) and the run settings cfg it was trained
// with: the same episodes for the same opts.Seed.
func EvaluateModel(ctx context.Context, cfg Config, m *rssm.Model, opts EvalOptions) ([]float64, error) {
	if opts.Episodes < 1 {
		return nil, fmt.Errorf("planet: EvaluateModel: Episodes = %d, want ≥ 1", opts.Episodes)
	}
	if m == nil {
		return nil, fmt.Errorf("planet: EvaluateModel: model is nil")
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
	if env.ObservationSize() != m.ObsSize || env.ActionSize() != m.ActionSize {
		return nil, fmt.Errorf("planet: EvaluateModel: a model for %d observations and %d actions, the task has %d and %d",
			m.ObsSize, m.ActionSize, env.ObservationSize(), env.ActionSize())
	}
	agent := opts.Agent
	if opts.Act != nil {
		agent = actor(opts.Act)
	}
	replay, _ := rssm.NewReplay(m.ObsSize, m.ActionSize)
	r := &run{cfg: cfg, opts: Options{Progress: opts.Progress, Agent: agent, Device: opts.Device}, env: rep, model: m,
		opt: nn.NewAdam(m.Params(), 1e-3), replay: replay, rng: tensor.NewRNG(opts.Seed),
		res: &Result{Config: cfg, ObsSize: m.ObsSize}, threads: func(bool) {}, start: time.Now()}
	if len(opts.Done) > opts.Episodes {
		return nil, fmt.Errorf("planet: EvaluateModel: %d returns in Done, more than Episodes = %d", len(opts.Done), opts.Episodes)
	}
	returns := append([]float64(nil), opts.Done...)
	for i := len(opts.Done); i < opts.Episodes; i++ {
		if err := r.collect(ctx, "test", i); err != nil {
			return nil, err
		}
		ret := r.res.Episodes[len(r.res.Episodes)-1].Return
		returns = append(returns, ret)
		if opts.OnEpisode != nil {
			if err := opts.OnEpisode(i, ret); err != nil {
				return nil, fmt.Errorf("planet: EvaluateModel: episode %d: %w", i, err)
			}
		}
	}
	return returns, nil
}

// actor is an acting function as an Agent that does not learn, for
// evaluations.
type actor func(ctx context.Context, m *rssm.Model, h, s []float64, seed uint64) ([]float64, error)

func (a actor) Act(ctx context.Context, m *rssm.Model, h, s []float64, seed uint64) ([]float64, error) {
	return a(ctx, m, h, s, seed)
}
func (a actor) Learn(context.Context, *rssm.Model, *rssm.Replay, *tensor.RNG) (float64, error) {
	return 0, nil
}
func (a actor) Describe() string               { return "a controller under evaluation" }
func (a actor) MarshalBinary() ([]byte, error) { return nil, nil }
func (a actor) UnmarshalBinary(b []byte) error { return nil }
