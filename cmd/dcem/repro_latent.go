package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/latent"
	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/paired"
	"github.com/dcem-go/dcem/dcemlib/plots"
	"github.com/dcem-go/dcem/dcemlib/ppo"
	"github.com/dcem-go/dcem/dcemlib/sweep"
	"github.com/dcem-go/dcem/envs/dmc"
)

func init() {
	reproExperiments["latent"] = reproExperiment{
		summary: "latent DCEM in the learned world model vs full-space CEM, then PPO through it (§5.2.2, app. E, fig. 4)",
		run:     reproLatent,
	}
}

// latentReport is what a point of `dcem repro latent` writes to its
// result.json.
type latentReport struct {
	Task   string               `json:"task"`
	Seed   uint64               `json:"seed"`
	Phase1 string               `json:"phase1_checkpoint"`
	Phase2 *planet.Result       `json:"phase2"`
	Phase3 *latent.Phase3Result `json:"phase3,omitempty"`
	Agent  latent.AgentConfig   `json:"agent"`
	Fig4   *latent.Fig4Result   `json:"fig4"`
	Budget map[string]string    `json:"budget"`
}

// latentPoint is one grid point of `dcem repro latent`: a task and a
// training seed with the settings of its phases (saved in sweep.json).
type latentPoint struct {
	Task  string `json:"task"`
	Seed  uint64 `json:"seed"`
	Quick bool   `json:"quick,omitempty"`
	// From is the phase-1 checkpoint; empty runs phase 1 in the point's
	// work directory.
	From string `json:"from,omitempty"`
	// PlanetSweep is the planet sweep directory From is in (--from-sweep),
	// named in the message when that run has not finished.
	PlanetSweep  string              `json:"planet_sweep,omitempty"`
	Phase1       planet.Config       `json:"phase1"`
	Phase2       latent.Phase2Config `json:"phase2"`
	Phase3       latent.Phase3Config `json:"phase3"`
	EvalEpisodes int                 `json:"eval_episodes"`
	// Imagination is how fig. 4's controllers imagine their plans
	// (latent.PriorMeans or latent.PriorSamples; empty: the means).
	Imagination string `json:"imagination,omitempty"`
	ResetModel  bool   `json:"reset_model,omitempty"`
	DropReplay  bool   `json:"drop_replay,omitempty"`
}

// latentRun is a point being run: its settings and its work directory.
type latentRun struct {
	task       string
	quick      bool
	from       string // the phase-1 checkpoint; "" runs phase 1 into out/phase1
	p1         planet.Config
	p2         latent.Phase2Config
	p3         latent.Phase3Config
	nEval      int
	imagine    string
	resetModel bool
	dropReplay bool
	seed       uint64
	out        string
}

// latentSweep is the grid of `dcem repro latent`.
type latentSweep struct {
	Runs []latentPoint `json:"points"`
	// dir is the grid's directory (--out, made absolute): a point's From
	// and PlanetSweep are kept relative to it, so that the grid resumes
	// wherever the directory and its planet grid are moved together.
	dir string
}

// relToGrid returns path relative to the grid's directory, or absolute
// where it has no relative form.
func (g *latentSweep) relToGrid(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(g.dir, abs); err == nil {
		return rel
	}
	return abs
}

// inGrid resolves a path kept relative to the grid directory dir.
func inGrid(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

func (g *latentSweep) Name() string { return "latent" }
func (g *latentSweep) Config() any  { return g }
func (g *latentSweep) Points() []string {
	var names []string
	for _, p := range g.Runs {
		names = append(names, fmt.Sprintf("%s-seed%d", p.Task, p.Seed))
	}
	return names
}

func (g *latentSweep) validate() error {
	if len(g.Runs) == 0 {
		return errors.New("latent: the grid is empty")
	}
	seen := map[string]bool{}
	for i, p := range g.Runs {
		if !slices.Contains(dmc.Tasks(), p.Task) {
			return fmt.Errorf("latent: unknown task %q, want one of %s", p.Task, strings.Join(dmc.Tasks(), ", "))
		}
		for _, err := range []error{p.Phase1.Validate(), p.Phase2.World.Validate(), p.Phase2.Agent.Validate()} {
			if err != nil {
				return err
			}
		}
		if name := g.Points()[i]; seen[name] {
			return fmt.Errorf("latent: %s appears twice in the grid", name)
		} else {
			seen[name] = true
		}
		// A phase 1 in a planet sweep may still be training: the point
		// checks it when it runs (startFromPhase1).
		if p.From != "" && p.PlanetSweep == "" {
			if _, err := os.Stat(inGrid(g.dir, p.From)); err != nil {
				return fmt.Errorf("latent: phase 1 of %s-seed%d: %w", p.Task, p.Seed, err)
			}
		}
	}
	return nil
}

func (g *latentSweep) setConfig(raw json.RawMessage) error {
	var c latentSweep
	if err := json.Unmarshal(raw, &c); err != nil {
		return err
	}
	c.dir = g.dir
	*g = c
	return g.validate()
}

// setDir sets the grid's directory (openSweep calls it).
func (g *latentSweep) setDir(dir string) { g.dir = dir }

// workers is 1: a point keeps its Workers cores busy itself.
func (g *latentSweep) workers() int { return 1 }
func (g *latentSweep) taskCPUs() int {
	n := 1
	for _, p := range g.Runs {
		n = max(n, p.Phase1.Workers)
	}
	return n
}
func (g *latentSweep) start(int) {}

// fromPlanetSweep sets each point's phase 1 to the run of the same task
// and seed in the planet sweep directory dir. That run may still be
// training: the point checks that it has finished when it runs
// (latentPoint.startFromPhase1), so a latent grid can be set up, and its
// first points run, while later points' phase 1 trains; --resume runs the
// rest.
func (g *latentSweep) fromPlanetSweep(dir string) error {
	d, err := sweep.Open(dir, "planet")
	if err != nil {
		return usageErrorf("--from-sweep: %v", err)
	}
	for i := range g.Runs {
		p := &g.Runs[i]
		name := fmt.Sprintf("%s-seed%d", p.Task, p.Seed)
		k := slices.Index(d.Manifest.Points, name)
		if k < 0 {
			return usageErrorf("--from-sweep: %s has no run %s (it has %s)", dir, name, strings.Join(d.Manifest.Points, ", "))
		}
		ckpt := filepath.Join(d.WorkDir(k), "checkpoint.bin")
		p.From, p.PlanetSweep = g.relToGrid(ckpt), g.relToGrid(d.Path)
		if res, err := planet.LoadResult(ckpt); err == nil {
			p.continuePhase1(res.Config) // recorded in sweep.json now where it is known
		} else if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("--from-sweep: %s: %w", name, err)
		}
	}
	return nil
}

// startFromPhase1 loads the phase-1 run the point starts from (From,
// relative to the grid directory dir), checks that it has finished and
// makes the point continue it. It returns the checkpoint's path.
func (p *latentPoint) startFromPhase1(dir string) (string, error) {
	from := inGrid(dir, p.From)
	res, err := planet.LoadResult(from)
	name := fmt.Sprintf("%s-seed%d", p.Task, p.Seed)
	resume := "resume it with dcem repro planet --resume --out " + inGrid(dir, p.PlanetSweep)
	switch {
	case errors.Is(err, os.ErrNotExist) && p.PlanetSweep != "":
		return "", fmt.Errorf("phase 1 of %s has not started (no %s): %s, then dcem repro latent --resume", name, from, resume)
	case err != nil:
		return "", fmt.Errorf("phase 1 of %s: %w", name, err)
	}
	train := 0
	for _, e := range res.Episodes {
		if e.Kind == "train" {
			train++
		}
	}
	if train < res.Config.Episodes {
		if p.PlanetSweep == "" {
			resume = "finish it first"
		}
		return "", fmt.Errorf("phase 1 of %s is not finished (%d of %d episodes in %s): %s, then dcem repro latent --resume", name, train, res.Config.Episodes, from, resume)
	}
	p.continuePhase1(res.Config)
	return from, nil
}

// continuePhase1 records cfg, the configuration of the phase-1 run the
// point starts from, as its phase 1, and makes its phase 2 train the world
// model as that run did (latent.Phase2Config.Continue).
func (p *latentPoint) continuePhase1(cfg planet.Config) {
	p.Phase1 = cfg
	p.Phase2.Continue(cfg)
}

func (g *latentSweep) RunPoint(ctx context.Context, i int, work string) (any, error) {
	p := g.Runs[i]
	from := ""
	if p.From != "" {
		var err error
		// work is DIR/work/NNNN.
		if from, err = p.startFromPhase1(filepath.Dir(filepath.Dir(work))); err != nil {
			return nil, err
		}
	}
	r := &latentRun{task: p.Task, quick: p.Quick, from: from, p1: p.Phase1, p2: p.Phase2, p3: p.Phase3, nEval: p.EvalEpisodes,
		imagine: p.Imagination, resetModel: p.ResetModel, dropReplay: p.DropReplay, seed: p.Seed, out: work}
	return r.runPhases(ctx)
}

// reproLatent runs a grid of tasks and seeds through the sweep machinery:
// each point runs the three phases in its work directory (phase 1 unless
// --from or --from-sweep names its checkpoint) and evaluates fig. 4's
// controllers; the collection draws fig. 4 per task with the paired
// comparisons.
func reproLatent(args []string) error {
	g, fs, sf, out, err := parseLatentFlags(args)
	if err != nil {
		return err
	}
	return runSweep(fs, g, sf, out)
}

// runPhases runs the three phases of r (resuming each from its checkpoint)
// and evaluates fig. 4's controllers for its seed.
func (r *latentRun) runPhases(ctx context.Context) (*latent.GridPoint, error) {
	phase1, err := r.phase1(ctx)
	if err != nil {
		return nil, err
	}
	res2, agent, err := r.phase2(ctx, phase1)
	if err != nil {
		return nil, err
	}
	var res3 *latent.Phase3Result
	var policy *latent.Policy
	if r.p3.PPO.Updates > 0 {
		if res3, policy, err = r.phase3(ctx); err != nil {
			return nil, err
		}
	}
	fig4, err := r.evaluate(ctx, phase1, policy)
	if err != nil {
		return nil, err
	}
	if err := r.report(phase1, res2, res3, agent, fig4); err != nil {
		return nil, err
	}
	return &latent.GridPoint{Task: r.task, Seed: r.seed, Fig4: fig4, Budget: r.budget(agent)}, nil
}

// parseLatentFlags reads the flags of `dcem repro latent` into a run and
// validates its settings.
func parseLatentFlags(args []string) (*latentSweep, *flag.FlagSet, sweepFlags, string, error) {
	fs := flag.NewFlagSet("dcem repro latent", flag.ContinueOnError)
	tasks := fs.String("task", "cheetah.run", "dmc tasks, comma-separated: cheetah.run, walker.walk")
	seeds := fs.Int("seeds", 1, "training seeds per task (seed, seed+1, …)")
	fromSweep := fs.String("from-sweep", "", "a planet sweep directory (dcem repro planet --out) whose finished runs of the same task and seed are the points' phase 1")
	quick := fs.Bool("quick", false, "tiny models and short episodes (seconds; shows the pipeline only)")
	from := fs.String("from", "", "checkpoint of a finished phase-1 run, for a grid of one task and seed; default: run phase 1 first into the point's work directory")
	iters := fs.Int("iters", 0, "latent DCEM iterations (the paper ablates 3, 5, 10; default: the preset's 10)")
	boundPenalty := fs.Float64("bound-penalty", 0, "weight of a barrier against the action bounds in phase 2's decoder training (latent.AgentConfig.BoundPenalty; 0: the paper's objective)")
	episodes := fs.Int("episodes", -1, "phase-2 episodes (default: the preset's)")
	agentSteps := fs.Int("agent-steps", 0, "phase 2's decoder updates per round of model updates (latent.AgentConfig.Steps; default: the preset's)")
	agentBatch := fs.Int("agent-batch", 0, "start states per decoder update in phase 2 (latent.AgentConfig.Batch; default: the preset's)")
	evalEpisodes := fs.Int("eval-episodes", 0, "evaluation episodes per controller for the box plots (default 10; quick 1)")
	resetModel := fs.Bool("reset-model", false, "phase 2 starts from a fresh model (keeping phase 1's replay buffer unless --drop-replay)")
	dropReplay := fs.Bool("drop-replay", false, "phase 2 starts with an empty replay buffer")
	ppoUpdates := fs.Int("ppo-updates", -1, "phase-3 PPO updates through the controller (0 skips phase 3; default: the preset's)")
	passes := fs.Int("passes", 0, "PPO passes (epochs) over each update's episodes (the paper: 1, 2, 4; default: the preset's)")
	modelLR := fs.Float64("model-lr", 0, "PPO learning rate of the controller's decoder and model (the paper: 1e-4, 1e-5; default: the preset's 1e-6)")
	targetKL := fs.Float64("target-kl", 0.02, "stop an update's policy steps once a minibatch's approximate KL passes 1.5× this (0: never; --quick: 0 unless given)")
	learnSigma := fs.Bool("learn-sigma", false, "learn the policy's σ (default: fixed at 0.1)")
	noisePerBelief := fs.Bool("noise-per-belief", true, "the PPO policy's solver draws come from a hash of the belief (fresh every decision, as the agent's); false: one fixed draw for every belief")
	imagination := fs.String("imagination", "means", "how fig. 4's controllers imagine their plans, all alike: means (the prior's means, as latent DCEM's decoder was trained) or samples (the prior's samples, as PlaNet's planner in phase 1)")
	freeze := fs.String("freeze", "", "comma-separated parts PPO leaves alone: decoder, reward, transition")
	seed := fs.Uint64("seed", 0, "seed of everything random")
	workers := fs.Int("workers", 2, "goroutines that imagine candidates (and BLAS threads of the updates)")
	out := fs.String("out", "repro-latent", "sweep directory: sweep.json, runs/, work/NNNN/ (each point's phases, evaluations and report), fig. 4 per task and result.json")
	sf := addSweepFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, sf, "", err
	}
	if fs.NArg() > 0 {
		return nil, nil, sf, "", usageErrorf("unexpected arguments %q", fs.Args())
	}
	if *seeds < 1 {
		return nil, nil, sf, "", usageErrorf("--seeds = %d, want ≥ 1", *seeds)
	}
	if *from != "" && *fromSweep != "" {
		return nil, nil, sf, "", usageErrorf("--from and --from-sweep exclude each other")
	}
	var imagine string
	switch *imagination {
	case "means":
		imagine = latent.PriorMeans
	case "samples":
		imagine = latent.PriorSamples
	default:
		return nil, nil, sf, "", usageErrorf("--imagination = %q, want means or samples", *imagination)
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		return nil, nil, sf, "", usageErrorf("--out: %v", err)
	}
	g := &latentSweep{dir: dir}
	for _, task := range strings.Split(*tasks, ",") {
		task = strings.TrimSpace(task)
		for k := range *seeds {
			pt, err := latentFlagsPoint(task, *seed+uint64(k), *quick, fs, latentFlagValues{
				iters: *iters, episodes: *episodes, evalEpisodes: *evalEpisodes, resetModel: *resetModel, dropReplay: *dropReplay,
				ppoUpdates: *ppoUpdates, passes: *passes, modelLR: *modelLR, targetKL: *targetKL, learnSigma: *learnSigma,
				noisePerBelief: *noisePerBelief, freeze: *freeze, workers: *workers, boundPenalty: *boundPenalty,
				agentSteps: *agentSteps, agentBatch: *agentBatch})
			if err != nil {
				return nil, nil, sf, "", err
			}
			pt.Imagination = imagine
			g.Runs = append(g.Runs, *pt)
		}
	}
	switch {
	case *from != "":
		if len(g.Runs) != 1 {
			return nil, nil, sf, "", usageErrorf("--from names one phase-1 checkpoint: give one task and one seed, or --from-sweep")
		}
		g.Runs[0].From = g.relToGrid(*from)
		if _, err := g.Runs[0].startFromPhase1(g.dir); err != nil {
			return nil, nil, sf, "", fmt.Errorf("--from: %w", err)
		}
	case *fromSweep != "":
		if err := g.fromPlanetSweep(*fromSweep); err != nil {
			return nil, nil, sf, "", err
		}
	}
	return g, fs, sf, *out, nil
}

// latentFlagValues are the flags that set each point's phases.
type latentFlagValues struct {
	iters, episodes, evalEpisodes, ppoUpdates, passes, workers int
	agentSteps, agentBatch                                     int
	modelLR, targetKL, boundPenalty                            float64
	resetModel, dropReplay, learnSigma, noisePerBelief         bool
	freeze                                                     string
}

// latentFlagsPoint returns the point of task and seed with its phases set
// from the presets and the flags.
func latentFlagsPoint(task string, seed uint64, quick bool, fs *flag.FlagSet, v latentFlagValues) (*latentPoint, error) {
	iters, episodes, evalEpisodes, ppoUpdates, passes, modelLR := &v.iters, &v.episodes, &v.evalEpisodes, &v.ppoUpdates, &v.passes, &v.modelLR
	targetKL, learnSigma, noisePerBelief, freeze, workers := &v.targetKL, &v.learnSigma, &v.noisePerBelief, &v.freeze, &v.workers
	r := &latentPoint{Task: task, Seed: seed, Quick: quick, ResetModel: v.resetModel, DropReplay: v.dropReplay,
		Phase1: planet.Small(task), Phase2: latent.Phase2Small(task), Phase3: latent.Phase3Small(), EvalEpisodes: 10}
	if quick {
		r.Phase1, r.Phase2, r.Phase3, r.EvalEpisodes = planet.Quick(task), latent.Phase2Quick(task), latent.Phase3Quick(), 1
	}
	p1, p2, p3 := &r.Phase1, &r.Phase2, &r.Phase3
	if *ppoUpdates >= 0 {
		p3.PPO.Updates = *ppoUpdates
	}
	if *passes > 0 {
		p3.PPO.Epochs = *passes
	}
	if *modelLR > 0 {
		p3.PPO.LR = *modelLR
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "target-kl" { // a bad value is reported by Validate below
			p3.PPO.TargetKL = *targetKL
		}
	})
	p3.LearnSigma = *learnSigma
	p3.NoisePerBelief = *noisePerBelief
	p3.PPO.Seed = seed
	if *freeze != "" {
		for _, part := range strings.Split(*freeze, ",") {
			switch strings.TrimSpace(part) {
			case "decoder":
				p3.FreezeDecoder = true
			case "reward":
				p3.FreezeReward = true
			case "transition":
				p3.FreezeTransition = true
			default:
				return nil, usageErrorf("--freeze: unknown part %q, want decoder, reward or transition", part)
			}
		}
	}
	if p3.PPO.Updates > 0 {
		if err := p3.PPO.Validate(); err != nil {
			return nil, err
		}
	}
	if *iters > 0 {
		p2.Agent.Iters = *iters
	}
	p2.Agent.BoundPenalty = v.boundPenalty
	switch {
	case v.agentSteps < 0:
		return nil, usageErrorf("--agent-steps = %d, want ≥ 1 (0: the preset's)", v.agentSteps)
	case v.agentBatch < 0:
		return nil, usageErrorf("--agent-batch = %d, want ≥ 1 (0: the preset's)", v.agentBatch)
	}
	if v.agentSteps > 0 {
		p2.Agent.Steps = v.agentSteps
	}
	if v.agentBatch > 0 {
		p2.Agent.Batch = v.agentBatch
	}
	if *episodes >= 0 {
		p2.World.Episodes = *episodes
	}
	if *evalEpisodes > 0 {
		r.EvalEpisodes = *evalEpisodes
	}
	p1.Seed, p1.Workers = seed, *workers
	p2.World.Seed, p2.World.Workers, p2.Agent.Seed = seed, *workers, seed
	p2.Continue(*p1)
	if err := p1.Validate(); err != nil {
		return nil, err
	}
	if err := p2.World.Validate(); err != nil {
		return nil, err
	}
	if err := p2.Agent.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// checkpoint returns the checkpoint file of a phase ("phase1", "phase2",
// "phase3") in the output directory.
func (r *latentRun) checkpoint(phase string) string {
	return filepath.Join(r.out, phase, "checkpoint.bin")
}

// phase1 returns the phase-1 checkpoint: --from's, or that of a phase-1
// run it makes (or resumes) in the output directory.
func (r *latentRun) phase1(ctx context.Context) (string, error) {
	if r.from != "" {
		return r.from, nil
	}
	phase1 := r.checkpoint("phase1")
	fmt.Fprintf(os.Stderr, "phase 1 (world model, full-space CEM): %s\n", r.p1.Budget())
	progress, finish := planetProgress()
	res1, err := planet.Run(ctx, r.p1, planet.Options{Checkpoint: phase1, Progress: progress})
	finish()
	if err != nil {
		return "", err
	}
	return phase1, writePlanet(res1, filepath.Dir(phase1))
}

// phase2 runs (or resumes) the latent DCEM agent's phase from phase 1's
// checkpoint and writes its figures.
func (r *latentRun) phase2(ctx context.Context, phase1 string) (*planet.Result, *latent.Agent, error) {
	fmt.Fprintf(os.Stderr, "phase 2 (latent DCEM agent): %s\n", r.p2.Budget(r.dropReplay))
	progress, finish := planetProgress()
	res2, agent, err := latent.RunPhase2(ctx, r.p2, phase1, planet.Options{
		Checkpoint: r.checkpoint("phase2"), Progress: progress,
		ResetModel: r.resetModel, DropReplay: r.dropReplay})
	finish()
	if err != nil {
		return nil, nil, err
	}
	return res2, agent, writePlanet(res2, filepath.Join(r.out, "phase2"))
}

// phase3 runs (or resumes) PPO through the phase-2 controller, with a
// progress bar per phase of each update and a line per update.
func (r *latentRun) phase3(ctx context.Context) (*latent.Phase3Result, *latent.Policy, error) {
	p3 := r.p3
	fmt.Fprintf(os.Stderr, "phase 3 (PPO through the controller): %d updates of %d episodes, %d passes\n", p3.PPO.Updates, p3.PPO.Episodes, p3.PPO.Epochs)
	var bar *progressBar
	phase := ""
	return latent.RunPhase3(ctx, p3, r.checkpoint("phase2"), r.p2.Agent, latent.Phase3Options{
		Checkpoint: r.checkpoint("phase3"),
		Within: func(w ppo.Within) {
			if bar == nil || w.Phase != phase {
				if bar != nil {
					bar.finish()
				}
				bar, phase = newProgressBar(os.Stderr, w.Total), w.Phase
			}
			var what string
			switch w.Phase {
			case "collect":
				what = fmt.Sprintf("PPO update %d/%d: %d/%d episodes collected, %d steps", w.Update, p3.PPO.Updates, w.Done, w.Total, w.Steps)
			case "optimize":
				what = fmt.Sprintf("PPO update %d/%d: minibatch %d/%d of %d steps", w.Update, p3.PPO.Updates, w.Done, w.Total, w.Steps)
			default: // the evaluations before and after training
				what = fmt.Sprintf("%s PPO: %d/%d episodes, %d steps", strings.Replace(w.Phase, "evaluate", "policy mean's evaluation", 1), w.Done, w.Total, w.Steps)
			}
			bar.update(w.Phase, w.Done, what, w.Done == w.Total)
		},
		Progress: func(l ppo.UpdateLog) {
			if bar != nil {
				bar.finish()
				bar = nil
			}
			fmt.Fprintf(os.Stderr, "PPO update %d: %d steps, mean return %.1f, policy loss %.3g, %d policy steps, approx KL per minibatch %s, %.0f s\n",
				l.Update, l.Steps, l.MeanReturn, l.PolicyLoss, l.PolicySteps, formatKL(l.KL), l.Seconds)
		}})
}

// evaluate plays fig. 4's evaluation of this seed (latent.EvaluateFig4):
// r.nEval episodes of each controller on its own phase's model and on the
// final model, recorded after every episode in evaluations.json, so that an
// interrupted evaluation resumes and a finished one is read back.
func (r *latentRun) evaluate(ctx context.Context, phase1 string, policy *latent.Policy) (*latent.Fig4Result, error) {
	fmt.Fprintf(os.Stderr, "evaluating: %d episodes per controller and model\n", r.nEval)
	evalFile, err := planet.OpenEvaluations(filepath.Join(r.out, "evaluations.json"))
	if err != nil {
		return nil, err
	}
	sd := latent.Fig4Seed{Seed: r.seed, Phase1: phase1, Phase2: r.checkpoint("phase2"), Agent: r.p2.Agent, Policy: policy}
	if policy != nil {
		sd.Phase3 = r.checkpoint("phase3")
	}
	progress, finish := planetProgress()
	defer finish()
	return latent.EvaluateFig4(ctx, []latent.Fig4Seed{sd}, latent.Fig4Options{Episodes: r.nEval, Seed: r.seed + 1000,
		Evaluations: evalFile, Progress: progress, Imagination: r.imagine})
}

// budget describes the point's phases for labels.
func (r *latentRun) budget(agent *latent.Agent) map[string]string {
	b := map[string]string{"phase1": r.p1.Budget(), "phase2": r.p2.Budget(r.dropReplay) + "; " + agent.Describe()}
	if r.p3.PPO.Updates > 0 {
		b["phase3"] = fmt.Sprintf("%d PPO updates of %d episodes, lr %g", r.p3.PPO.Updates, r.p3.PPO.Episodes, r.p3.PPO.LR)
	}
	return b
}

// budgetLabel is the line figures carry.
func (r *latentRun) budgetLabel() string {
	if r.quick {
		return "QUICK budget, not a result"
	}
	return "reduced budget: phase 1 " + r.p1.Budget()
}

// report writes the point's fig. 4 on its final model and result.json, and
// prints each controller's mean return.
func (r *latentRun) report(phase1 string, res2 *planet.Result, res3 *latent.Phase3Result, agent *latent.Agent, fig4 *latent.Fig4Result) error {
	bp, err := fig4.Fig4Plot(r.task, latent.FinalModel, r.budgetLabel())
	if err != nil {
		return err
	}
	if err := plots.SaveAll(bp, 7, 3.5, filepath.Join(r.out, "fig4-final-model")); err != nil {
		return err
	}
	rep := latentReport{Task: r.task, Seed: r.seed, Phase1: phase1, Phase2: res2, Phase3: res3, Agent: r.p2.Agent, Fig4: fig4, Budget: r.budget(agent)}
	b, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		return err
	}
	if err := sweep.WriteFileAtomic(filepath.Join(r.out, "result.json"), b, 0o644); err != nil {
		return err
	}
	for _, e := range fig4.Evaluations {
		fmt.Printf("seed %d: %s on the %s: mean return %.1f over %d episodes\n", e.Seed, e.Controller, e.Model, mean(e.Returns), len(e.Returns))
	}
	return nil
}

// latentTaskSummary is a task's fig. 4 over its seeds.
type latentTaskSummary struct {
	Task  string   `json:"task"`
	Seeds []uint64 `json:"seeds"`
	// Medians[controller][model] is the median return over all seeds and
	// episodes.
	Medians     map[string]map[string]float64 `json:"medians"`
	Comparisons []latentComparison            `json:"comparisons"`
}

// latentComparison is a paired comparison of controller B with A on a
// model kind.
type latentComparison struct {
	A, B, Model string
	paired.Comparison
	Summary string `json:"summary"`
}

func (g *latentSweep) collect(ctx context.Context, d *sweep.Dir, recs []*sweep.Record) error {
	byTask := map[string]*latent.Fig4Result{}
	seeds := map[string][]uint64{}
	var order []string
	budget := ""
	for _, r := range recs {
		var pt latent.GridPoint
		if err := json.Unmarshal(r.Result, &pt); err != nil || pt.Fig4 == nil {
			return fmt.Errorf("latent: %s: no fig. 4 evaluation (%v)", d.RecordPath(r.Index), err)
		}
		if byTask[pt.Task] == nil {
			byTask[pt.Task] = &latent.Fig4Result{}
			order = append(order, pt.Task)
		}
		byTask[pt.Task].Evaluations = append(byTask[pt.Task].Evaluations, pt.Fig4.Evaluations...)
		seeds[pt.Task] = append(seeds[pt.Task], pt.Seed)
		budget = "reduced budget: phase 1 " + pt.Budget["phase1"]
	}
	if g.Runs[0].Quick {
		budget = "QUICK budget, not a result"
	}
	var out struct {
		Tasks []latentTaskSummary `json:"tasks"`
	}
	pairs := [][2]string{{latent.FullCEM, latent.LatentDCEM}, {latent.LatentDCEM, latent.LatentPPO}, {latent.FullCEM, latent.LatentPPO}}
	for _, task := range order {
		res := byTask[task]
		sum := latentTaskSummary{Task: task, Seeds: seeds[task], Medians: map[string]map[string]float64{}}
		for _, model := range []string{latent.FinalModel, latent.OwnModel} {
			p, err := res.Fig4Plot(task, model, wrapLabel(budget))
			if err != nil {
				return err
			}
			kind := "final-model"
			if model == latent.OwnModel {
				kind = "own-models"
			}
			if err := plots.SaveAll(p, 7, 3.5, filepath.Join(d.Path, fmt.Sprintf("fig4-%s-%s", task, kind))); err != nil {
				return err
			}
			for _, c := range []string{latent.FullCEM, latent.LatentDCEM, latent.LatentPPO} {
				if v := res.Returns(c, model); len(v) > 0 {
					if sum.Medians[c] == nil {
						sum.Medians[c] = map[string]float64{}
					}
					sum.Medians[c][model], _ = paired.Median(v) // not empty
				}
			}
			for k, pr := range pairs {
				if len(res.Returns(pr[0], model)) == 0 || len(res.Returns(pr[1], model)) == 0 {
					continue
				}
				cmp, err := res.Compare(pr[0], pr[1], model, 0.95, 10000, uint64(k))
				if err != nil {
					// Too few pairs (one quick episode): no comparison.
					continue
				}
				lc := latentComparison{A: pr[0], B: pr[1], Model: model, Comparison: cmp,
					Summary: fmt.Sprintf("%s vs %s on the %s: %s", pr[1], pr[0], model, cmp)}
				sum.Comparisons = append(sum.Comparisons, lc)
				fmt.Printf("%s: %s\n", task, lc.Summary)
			}
		}
		out.Tasks = append(out.Tasks, sum)
	}
	return writeResultJSON(d.Path, out)
}

// wrapLabel breaks a long budget line for a figure's title.
func wrapLabel(s string) string {
	if len(s) <= 90 {
		return s
	}
	if i := strings.LastIndex(s[:90], ", "); i > 0 {
		return s[:i+1] + "\n" + s[i+2:]
	}
	return s
}

// formatKL lists a PPO update's approximate KL per minibatch.
func formatKL(kl []float64) string {
	parts := make([]string, len(kl))
	for i, v := range kl {
		parts[i] = fmt.Sprintf("%.2g", v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
