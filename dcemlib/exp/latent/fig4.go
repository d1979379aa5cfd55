package latent

import (
	"context"
	"errors"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/paired"
	"github.com/dcem-go/dcem/dcemlib/plots"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"gonum.org/v1/plot"
)

// The controllers of the paper's fig. 4, in its order.
const (
	FullCEM    = "full CEM"
	LatentDCEM = "latent DCEM"
	LatentPPO  = "latent DCEM + PPO"
)

// The models a controller plays in for fig. 4: its own phase's (full CEM
// the phase-1 model, latent DCEM the phase-2 model, + PPO the phase-3 one),
// or the final model of the training seed (phase 3's, or phase 2's without
// a phase 3), the same for all three, so that only the controllers differ.
const (
	OwnModel   = "model of its own phase"
	FinalModel = "final model"
)

// How fig. 4's controllers imagine the states of a plan: with the means of
// the model's prior (latent DCEM's decoder was trained so) or with samples
// of it (as PlaNet's planner and phase 1's evaluations do). EvaluateFig4
// uses one of them for every controller, so that the controllers, not
// their imagination, differ.
const (
	PriorMeans   = "prior means"
	PriorSamples = "prior samples"
)

// Fig4Seed is one training seed's phases.
type Fig4Seed struct {
	Seed uint64
	// Phase1, Phase2 and Phase3 are the phases' checkpoints (Phase3 empty
	// without a phase 3).
	Phase1, Phase2, Phase3 string
	// Agent is phase 2's agent (its state is read from Phase2).
	Agent AgentConfig
	// Policy is phase 3's tuned controller (nil without a phase 3), as
	// RunPhase3 returns it.
	Policy *Policy
}

// Fig4Options set the evaluation.
type Fig4Options struct {
	// Episodes per controller, model and seed (≥ 1).
	Episodes int
	// Seed draws the episodes' start states, the same for every
	// controller and model, and the planners' samples.
	Seed uint64
	// Workers imagine the candidates of full CEM and the rollouts of
	// latent DCEM's decisions (Controller.Workers; 0: the run's).
	Workers int
	// Imagination is PriorMeans (the default when empty) or PriorSamples,
	// for all controllers alike.
	Imagination string
	// Evaluations, if set, records every episode's return as it ends
	// (planet.Evaluations), so that an interrupted evaluation resumes and a
	// finished one is read back.
	Evaluations *planet.Evaluations
	// Progress, if set, is called as the episodes go.
	Progress func(planet.Progress)
}

// Fig4Evaluation is one controller's returns on one model for one seed.
type Fig4Evaluation struct {
	Seed       uint64    `json:"seed"`
	Controller string    `json:"controller"`
	Model      string    `json:"model"`
	Returns    []float64 `json:"returns"`
}

// Fig4Result holds fig. 4's evaluations.
type Fig4Result struct {
	// Imagination is how every controller imagined its plans (PriorMeans
	// or PriorSamples).
	Imagination string           `json:"imagination,omitempty"`
	Evaluations []Fig4Evaluation `json:"evaluations"`
}

// Returns lists a controller's returns on a model kind, seed after seed
// (the same order for every controller: pairs line up).
func (r *Fig4Result) Returns(controller, model string) []float64 {
	var out []float64
	for _, e := range r.Evaluations {
		if e.Controller == controller && e.Model == model {
			out = append(out, e.Returns...)
		}
	}
	return out
}

// Compare compares controller b with controller a on a model kind, pairing
// the episodes of the same seed and start state (paired.Compare).
func (r *Fig4Result) Compare(a, b, model string, level float64, rounds int, seed uint64) (paired.Comparison, error) {
	ra, rb := r.Returns(a, model), r.Returns(b, model)
	if len(ra) == 0 || len(rb) == 0 {
		return paired.Comparison{}, fmt.Errorf("latent: Fig4Result.Compare: no returns of %q or %q on the %s", a, b, model)
	}
	return paired.Compare(ra, rb, level, rounds, seed)
}

// EvaluateFig4 plays fig. 4's noiseless evaluation episodes for each
// training seed: full CEM, latent DCEM and latent DCEM + PPO, each on its
// own phase's model and on the seed's final model, every one from the same
// start states.
func EvaluateFig4(ctx context.Context, seeds []Fig4Seed, opts Fig4Options) (*Fig4Result, error) {
	if len(seeds) == 0 {
		return nil, errors.New("latent: EvaluateFig4: no seeds")
	}
	if opts.Episodes < 1 {
		return nil, fmt.Errorf("latent: EvaluateFig4: Fig4Options.Episodes = %d, want ≥ 1", opts.Episodes)
	}
	switch opts.Imagination {
	case "":
		opts.Imagination = PriorMeans
	case PriorMeans, PriorSamples:
	default:
		return nil, fmt.Errorf("latent: EvaluateFig4: Fig4Options.Imagination = %q, want %q or %q", opts.Imagination, PriorMeans, PriorSamples)
	}
	res := &Fig4Result{Imagination: opts.Imagination}
	for _, sd := range seeds {
		evals, err := evaluateSeed(ctx, sd, opts)
		if err != nil {
			return nil, fmt.Errorf("latent: EvaluateFig4: seed %d: %w", sd.Seed, err)
		}
		res.Evaluations = append(res.Evaluations, evals...)
	}
	return res, nil
}

func evaluateSeed(ctx context.Context, sd Fig4Seed, opts Fig4Options) ([]Fig4Evaluation, error) {
	if (sd.Policy == nil) != (sd.Phase3 == "") {
		return nil, errors.New("Phase3 and Policy must be given together")
	}
	r1, err := planet.LoadResult(sd.Phase1)
	if err != nil {
		return nil, err
	}
	cfg := r1.Config
	sample := opts.Imagination == PriorSamples
	cfg.MeanStates = !sample
	m1, err := planet.LoadModel(sd.Phase1)
	if err != nil {
		return nil, err
	}
	m2, err := planet.LoadModel(sd.Phase2)
	if err != nil {
		return nil, err
	}
	agent, err := NewAgent(sd.Agent, m2.ActionSize)
	if err != nil {
		return nil, err
	}
	if err := planet.LoadAgent(sd.Phase2, agent); err != nil {
		return nil, err
	}
	final, finalSource := m2, sd.Phase2
	if sd.Policy != nil {
		final, finalSource = sd.Policy.Controller.Model, sd.Phase3
	}
	workers := cfg.Workers
	if opts.Workers > 0 {
		workers = opts.Workers
	}
	agent.Workers = workers
	latentOn := func(m *rssm.Model) func(ctx context.Context, _ *rssm.Model, h, s []float64, seed uint64) ([]float64, error) {
		c := agent.Controller(m)
		c.SampleStates = sample
		return func(ctx context.Context, _ *rssm.Model, h, s []float64, seed uint64) ([]float64, error) {
			return c.Act(ctx, h, s, seed)
		}
	}
	type job struct {
		controller, model, source string
		m                         *rssm.Model
		act                       func(context.Context, *rssm.Model, []float64, []float64, uint64) ([]float64, error)
	}
	jobs := []job{
		{FullCEM, OwnModel, sd.Phase1, m1, nil},
		{LatentDCEM, OwnModel, sd.Phase2, m2, latentOn(m2)},
		{FullCEM, FinalModel, finalSource, final, nil},
		{LatentDCEM, FinalModel, finalSource, final, latentOn(final)},
	}
	if sd.Policy != nil {
		// The agent's decisions (fresh solver samples every step) with
		// the parameters PPO tuned, in the model PPO tuned.
		c := *sd.Policy.Controller
		c.SharedNoise = false
		c.SampleStates = sample
		c.Workers, c.imag = workers, &imaginationCache{}
		act := func(ctx context.Context, _ *rssm.Model, h, s []float64, seed uint64) ([]float64, error) {
			return c.Act(ctx, h, s, seed)
		}
		jobs = append(jobs, job{LatentPPO, OwnModel, sd.Phase3, c.Model, act}, job{LatentPPO, FinalModel, sd.Phase3, c.Model, act})
	}
	var out []Fig4Evaluation
	for _, j := range jobs {
		eo := planet.EvalOptions{Episodes: opts.Episodes, Seed: opts.Seed, Workers: opts.Workers, Progress: opts.Progress, Act: j.act}
		play := func(ctx context.Context, o planet.EvalOptions) ([]float64, error) {
			return planet.EvaluateModel(ctx, cfg, j.m, o)
		}
		var rets []float64
		if opts.Evaluations != nil {
			// The imagination is part of the name: a record played
			// with the other one is never reused.
			name := fmt.Sprintf("seed %d: %s on the %s, %s", sd.Seed, j.controller, j.model, opts.Imagination)
			rets, err = opts.Evaluations.Evaluate(ctx, name, j.source, eo, play)
		} else {
			rets, err = play(ctx, eo)
		}
		if err != nil {
			return nil, fmt.Errorf("%s on the %s: %w", j.controller, j.model, err)
		}
		out = append(out, Fig4Evaluation{Seed: sd.Seed, Controller: j.controller, Model: j.model, Returns: rets})
	}
	return out, nil
}

// Fig4Plot draws fig. 4 as the paper does: one horizontal box per
// controller of its returns on a model kind over all seeds and episodes, on
// the common 0–1000 return axis; budget labels the runs' budget.
func (r *Fig4Result) Fig4Plot(task, model, budget string) (*plot.Plot, error) {
	var names []string
	var values [][]float64
	seeds := map[uint64]bool{}
	for _, e := range r.Evaluations {
		seeds[e.Seed] = true
	}
	for _, c := range []string{FullCEM, LatentDCEM, LatentPPO} {
		if v := r.Returns(c, model); len(v) > 0 {
			names = append(names, c)
			values = append(values, v)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("latent: Fig4Plot: no returns on the %s", model)
	}
	imagined := ""
	if r.Imagination != "" {
		imagined = ", plans imagined with the " + r.Imagination
	}
	title := fmt.Sprintf("%s: noiseless episode returns on the %s, %d seeds × %d episodes%s\n%s",
		task, model, len(seeds), len(values[0])/max(1, len(seeds)), imagined, budget)
	return plots.HBoxPlot(title, "episode return", names, values, 0, 1000)
}
