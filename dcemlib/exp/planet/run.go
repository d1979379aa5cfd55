package planet

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/dcem-go/dcem/dcemlib/internal/seedtag"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/dmc"
)

// EpisodeLog records one collected or evaluated episode.
type EpisodeLog struct {
	// Kind is "seed" (random actions), "train" (planner with exploration
	// noise, stored for training) or "eval" (noiseless planner, not stored).
	Kind string `json:"kind"`
	// Index counts episodes of the kind from 0.
	Index int `json:"index"`
	// EnvSteps is the number of control steps collected for training when
	// the episode ended (evaluation episodes do not add to it).
	EnvSteps int `json:"env_steps"`
	// Return is the sum of the task's rewards over the episode.
	Return float64 `json:"return"`
	// Seconds is the wall-clock time of the episode, its updates excluded.
	Seconds float64 `json:"seconds"`
}

// LossLog records the mean loss of a round of updates.
type LossLog struct {
	// Update counts updates so far; EnvSteps as in EpisodeLog.
	Update   int `json:"update"`
	EnvSteps int `json:"env_steps"`
	// Total, ObsNLL, RewardNLL and KL are means over the round (see
	// rssm.Loss).
	Total     float64 `json:"total"`
	ObsNLL    float64 `json:"obs_nll"`
	RewardNLL float64 `json:"reward_nll"`
	KL        float64 `json:"kl"`
	// Agent is the score an Agent's Learn returned after the round.
	Agent float64 `json:"agent,omitempty"`
}

// Cost is the cost model measured during the run, in wall-clock seconds on
// the machine that ran it.
type Cost struct {
	// PerUpdate is one model update (loss, gradient, Adam).
	PerUpdate float64 `json:"per_update"`
	// PerDecision is one planning decision (the CEM solve in the model and
	// the filter update).
	PerDecision float64 `json:"per_decision"`
	// PerEnvStep is one control step of the simulator.
	PerEnvStep float64 `json:"per_env_step"`
	// PerAgentRound is one round of an Agent's learning (Options.Agent).
	PerAgentRound float64 `json:"per_agent_round,omitempty"`
}

// Result is the outcome of a run, also stored in its checkpoints.
type Result struct {
	Config  Config `json:"config"`
	ObsSize int    `json:"obs_size"`
	// Agent describes the Options.Agent that acted, if any.
	Agent string `json:"agent,omitempty"`
	// From is the checkpoint the run started from, if any.
	From     string       `json:"from,omitempty"`
	Episodes []EpisodeLog `json:"episodes"`
	Losses   []LossLog    `json:"losses"`
	// Updates is the number of model updates made.
	Updates int `json:"updates"`
	// EnvSteps is the number of control steps collected for training.
	EnvSteps int `json:"env_steps"`
	// Cost is measured over the whole run (resumed parts included).
	Cost Cost `json:"cost"`
	// Prediction is the trained model's open-loop prediction of an
	// evaluation episode (nil when the run had no evaluation).
	Prediction *Prediction `json:"prediction,omitempty"`
	// Seconds is the wall-clock time of the run, over all its resumptions.
	Seconds float64 `json:"seconds"`
	// Resumes counts how often the run was resumed from a checkpoint.
	Resumes int `json:"resumes"`

	// Counters of the cost model, kept in checkpoints.
	UpdateSeconds   float64 `json:"-"`
	DecisionSeconds float64 `json:"-"`
	EnvSeconds      float64 `json:"-"`
	Decisions       int     `json:"-"`
	Steps           int     `json:"-"`
	AgentSeconds    float64 `json:"-"`
	AgentRounds     int     `json:"-"`
}

// Prediction compares the model's open-loop predictions with what happened:
// after filtering Context steps of an episode, the model predicts the next
// steps from the actions alone.
type Prediction struct {
	Context int `json:"context"`
	// RealReward and PredReward are per step after the context;
	// RealObs[d] and PredObs[d] the first observation dimensions.
	RealReward []float64   `json:"real_reward"`
	PredReward []float64   `json:"pred_reward"`
	RealObs    [][]float64 `json:"real_obs"`
	PredObs    [][]float64 `json:"pred_obs"`
}

// Returns returns the returns of the episodes of a kind, and the training
// steps at which each ended.
func (r *Result) Returns(kind string) (steps, returns []float64) {
	for _, e := range r.Episodes {
		if e.Kind == kind {
			steps = append(steps, float64(e.EnvSteps))
			returns = append(returns, e.Return)
		}
	}
	return steps, returns
}

// Progress reports where a run is.
type Progress struct {
	// Phase is "seed", "train", "eval", "update" or "agent" (an Agent's
	// learning steps after a round of updates, when it reports them: see
	// LearnReporter).
	Phase string
	// Episode is the number of collected episodes so far (seed episodes
	// included) and Episodes the number the run will collect.
	Episode, Episodes int
	// Step and Steps count decisions in the current episode or updates in
	// the current round.
	Step, Steps int
	// EnvSteps is the number of training control steps so far.
	EnvSteps int
	// Return is the current episode's return so far (for "agent": the
	// score of the last learning step); Loss the last update's total loss.
	Return, Loss float64
	// Elapsed is the run's time so far; Left an estimate of what remains
	// (0 until a planned episode and its updates have been timed).
	Elapsed, Left time.Duration
}

// Options are the parts of a run that are not its settings.
type Options struct {
	// Checkpoint, if not empty, is the file the run writes after every
	// episode and resumes from when it exists.
	Checkpoint string
	// Progress, if set, is called as the run goes.
	Progress func(Progress)
	// From, if not empty, is the checkpoint of an earlier run (same task
	// and model sizes) whose model this run starts from, and its replay
	// buffer unless DropReplay is set: the paper's later phases continue
	// phase 1's model. The seed episodes are collected only with
	// DropReplay (the kept buffer holds the earlier run's).
	From       string
	DropReplay bool
	// ResetModel, with From, starts from a fresh model and keeps only the
	// earlier run's replay buffer.
	ResetModel bool
	// Agent, if set, chooses the actions of the planned episodes instead
	// of full-space CEM, and learns after each round of model updates.
	Agent Agent
	// Device, if not the CPU (the zero value), is where full-space CEM
	// imagines its candidates (rssm.Imagination.UseDevice): an OpenCL
	// device in binaries built with the opencl tag. The model trains on
	// the host; its parameters are copied to the device before each
	// episode and after each interleaved round of updates. The prior noise
	// is drawn on the host, so plans agree with the host's up to rounding.
	Device tensor.Device
}

// Agent is a controller that acts from the model's filtered belief and
// learns from the replay buffer, such as latent DCEM (package latent).
// Its state is stored in the run's checkpoints.
type Agent interface {
	// Act returns the action for the belief h and state s.
	Act(ctx context.Context, m *rssm.Model, h, s []float64, seed uint64) ([]float64, error)
	// Learn is called after each round of model updates; it returns a
	// score for the logs (for latent DCEM: the predicted return of its
	// plans).
	Learn(ctx context.Context, m *rssm.Model, replay *rssm.Replay, rng *tensor.RNG) (float64, error)
	// Describe names the agent and its budget for labels.
	Describe() string
	MarshalBinary() ([]byte, error)
	UnmarshalBinary([]byte) error
}

// LearnReporter is an Agent that reports the steps of its Learn: the run
// sets the callback before each Learn (and clears it after) and reports
// the steps as Progress with Phase "agent".
type LearnReporter interface {
	SetLearnProgress(func(step, steps int, score float64))
}

// onImagination, when set (by tests), sees each episode's imagination.
var onImagination func(*rssm.Imagination)

// run is the state of a run in progress.
type run struct {
	cfg    Config
	opts   Options
	env    envs.Env
	closer func() error
	model  *rssm.Model
	opt    *nn.Adam
	replay *rssm.Replay
	// seeds are the reset seeds of the replay's episodes, in order, while
	// every episode's is known (not for a replay taken over from an old
	// checkpoint): checkpoints then store the episodes as their seeds and
	// actions.
	seeds   []uint64
	rng     *tensor.RNG // batches and the loss's samples
	arena   *tensor.Arena
	res     *Result
	start   time.Time
	elapsed float64 // seconds before this resumption
	threads func(updating bool)
	// resuming is set when a checkpoint was loaded; the first step of
	// work then counts the resume (reading a finished run is not one).
	resuming bool
}

// Run trains the world model on cfg.Task as the package describes and
// returns its logs. The context cancels it between steps; with a checkpoint
// file the work so far is kept and a later Run with the same Config and
// Options resumes it; a Run whose Config differs only in more Episodes
// extends a run (finished or not) to that many.
func Run(ctx context.Context, cfg Config, opts Options) (*Result, error) {
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
		return nil, fmt.Errorf("planet: %w", err)
	}
	mc := cfg.Model
	mc.ObsSize, mc.ActionSize = env.ObservationSize(), env.ActionSize()
	r := &run{cfg: cfg, opts: opts, env: rep, start: time.Now(), arena: tensor.NewArena()}
	defer r.arena.Free()
	if r.model, err = rssm.New(mc, tensor.Float32, tensor.NewRNG(cfg.Seed^seedtag.Model)); err != nil {
		return nil, fmt.Errorf("planet: %w", err)
	}
	r.opt = nn.NewAdam(r.model.Params(), cfg.LearningRate)
	r.opt.Eps = cfg.AdamEps
	if r.replay, err = rssm.NewReplay(mc.ObsSize, mc.ActionSize); err != nil {
		return nil, err
	}
	r.replay.Capacity = cfg.ReplayCapacity
	r.rng = tensor.NewRNG(cfg.Seed ^ seedtag.Train)
	r.res = &Result{Config: cfg, ObsSize: mc.ObsSize}
	if opts.Agent != nil {
		r.res.Agent = opts.Agent.Describe()
	}
	resumed := false
	if opts.Checkpoint != "" {
		if resumed, err = r.load(opts.Checkpoint); err != nil {
			return nil, err
		}
		r.resuming = resumed
	}
	if !resumed && opts.From != "" {
		if err := r.startFrom(opts.From); err != nil {
			return nil, err
		}
	}
	r.elapsed = r.res.Seconds
	// Updates multiply matrices of BatchSize·ChunkLength rows: there
	// OpenBLAS's own threads pay (1.85× on 2 cores for PlaNet's sizes),
	// while planning splits candidates over goroutines instead. The
	// previous setting is restored when the run ends.
	prevThreads := tensor.BLASThreads()
	defer tensor.SetBLASThreads(prevThreads)
	r.threads = func(updating bool) {
		if updating {
			tensor.SetBLASThreads(cfg.Workers)
		} else {
			tensor.SetBLASThreads(1)
		}
	}
	err = r.loop(ctx)
	// A run loaded finished (resuming still set: nothing was left to
	// do) keeps the time it took.
	if !r.resuming {
		r.res.Seconds = r.elapsed + time.Since(r.start).Seconds()
	}
	if err != nil {
		return r.res, err
	}
	r.finishCost()
	return r.res, nil
}

// ObsScale returns the observation scale Config.NormalizeObs gives a model
// (rssm.Model.SetObsScale): each dimension's standard deviation in the
// replay buffer, 1 for a dimension that does not vary.
func ObsScale(r *rssm.Replay) []float64 {
	out := r.ObsStd()
	for d, sd := range out {
		if !(sd > 1e-6) {
			out[d] = 1
		}
	}
	return out
}

// seedEpisodes returns the number of random episodes this run collects:
// none when it continues an earlier run with its replay buffer (Options.From
// without DropReplay), whose seed episodes are in that buffer already and
// would come out the same (the same seed streams).
func (r *run) seedEpisodes() int {
	if r.res.From != "" && !r.opts.DropReplay {
		return 0
	}
	return r.cfg.SeedEpisodes
}

// counts returns the numbers of episodes of each kind so far.
func (r *run) counts() (seed, train, eval int) {
	for _, e := range r.res.Episodes {
		switch e.Kind {
		case "seed":
			seed++
		case "train":
			train++
		case "eval":
			eval++
		}
	}
	return
}

// loop runs the remaining work; each finished episode is checkpointed, so
// the loop can restart from the logs alone.
func (r *run) loop(ctx context.Context) error {
	cfg := r.cfg
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("planet: stopped: %w", err)
		}
		seed, train, eval := r.counts()
		evalsDue := train / cfg.EvalEvery * cfg.EvalEpisodes
		if train == cfg.Episodes && train%cfg.EvalEvery != 0 {
			evalsDue += cfg.EvalEpisodes // a final evaluation
		}
		finished := seed >= r.seedEpisodes() && eval >= evalsDue && train >= cfg.Episodes &&
			(r.res.Prediction != nil || eval == 0)
		if r.resuming && !finished {
			r.res.Resumes++
			r.resuming = false
		}
		switch {
		case seed < r.seedEpisodes():
			if err := r.collect(ctx, "seed", seed); err != nil {
				return err
			}
		case eval < evalsDue:
			if err := r.collect(ctx, "eval", eval); err != nil {
				return err
			}
		case train < cfg.Episodes:
			if cfg.NormalizeObs && r.model.ObsScale == nil {
				if err := r.model.SetObsScale(ObsScale(r.replay)); err != nil {
					return fmt.Errorf("planet: %w", err)
				}
			}
			if cfg.Schedule == ScheduleEpisode || train == 0 {
				if err := r.updates(ctx, cfg.Updates); err != nil {
					return err
				}
			}
			if err := r.collect(ctx, "train", train); err != nil {
				return err
			}
		default:
			if r.res.Prediction == nil && eval > 0 {
				if err := r.predict(); err != nil {
					return err
				}
				if err := r.checkpoint(); err != nil {
					return err
				}
			}
			return nil
		}
		if err := r.checkpoint(); err != nil {
			return err
		}
	}
}

// stream derives an independent seed for one purpose and episode. The
// mixing is FNV-1a's step (XOR each rune of kind in, multiply by the
// 64-bit FNV prime 0x100000001b3), started, instead of from FNV's offset
// basis, from the seed times 0x9e3779b97f4a7c15 (the golden-ratio
// increment of splitmix64, Steele, Lea and Flood 2014) plus purpose, and
// finished by XORing the index in and multiplying by splitmix64's first
// finalizer constant 0xbf58476d1ce4e5b9. It is not a standard hash, and
// no statistical test vouches for it; the seeds of every run and
// checkpoint depend on it, so it must stay as it is.
func (r *run) stream(kind string, index int, purpose uint64) uint64 {
	h := r.cfg.Seed*0x9e3779b97f4a7c15 + purpose
	for _, c := range kind {
		h = (h ^ uint64(c)) * 0x100000001b3
	}
	return (h ^ uint64(index)) * 0xbf58476d1ce4e5b9
}

// collect plays one episode of the given kind and logs it; seed and train
// episodes go into the replay buffer.
func (r *run) collect(ctx context.Context, kind string, index int) error {
	cfg := r.cfg
	start := time.Now()
	env := r.env
	obs, err := env.Reset(r.stream(kind, index, 1))
	if err != nil {
		return fmt.Errorf("planet: %w", err)
	}
	A := env.ActionSize()
	noise := tensor.NewRNG(r.stream(kind, index, 2))
	var ep rssm.Episode
	ep.Append(obs, make([]float64, A), 0)
	filter := r.model.NewFilter(r.stream(kind, index, 3))
	if err := filter.Observe(obs, nil); err != nil {
		return err
	}
	im, err := r.model.NewImagination(cfg.Workers, r.stream(kind, index, 4))
	if err != nil {
		return err
	}
	defer im.Free()
	im.SetMeanStates(cfg.MeanStates)
	if err := im.UseDevice(r.opts.Device); err != nil {
		return fmt.Errorf("planet: %w", err)
	}
	if onImagination != nil {
		onImagination(im)
	}
	steps := cfg.EpisodeSteps / cfg.ActionRepeat
	seed, train, _ := r.counts()
	total := r.seedEpisodes() + cfg.Episodes
	ret := 0.0
	updatesDone := 0
	for t := range steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("planet: stopped in %s episode %d at step %d: %w", kind, index, t, err)
		}
		action := make([]float64, A)
		if kind == "seed" {
			for i := range action {
				// Actions are applied as float32, as the replay keeps
				// them, so that a checkpoint can replay an episode
				// from its reset seed and actions (storedEpisode).
				action[i] = float64(float32(2*noise.Uniform() - 1))
			}
		} else {
			t0 := time.Now()
			if err := im.SetStart(filter.Belief()); err != nil {
				return err
			}
			plan, err := r.act(ctx, im, filter, r.stream(kind, index, 5+uint64(t)))
			if err != nil {
				return fmt.Errorf("planet: %s episode %d, step %d: %w", kind, index, t, err)
			}
			for i := range action {
				a := plan[i]
				if kind == "train" {
					a += cfg.ExplorationNoise * noise.Normal()
				}
				action[i] = float64(float32(math.Max(-1, math.Min(1, a))))
			}
			r.res.DecisionSeconds += time.Since(t0).Seconds()
			r.res.Decisions++
		}
		t0 := time.Now()
		next, rew, done, err := env.Step(action)
		if err != nil {
			return fmt.Errorf("planet: %s episode %d, step %d: %w", kind, index, t, err)
		}
		r.res.EnvSeconds += time.Since(t0).Seconds()
		r.res.Steps += cfg.ActionRepeat
		ret += rew
		ep.Append(next, action, rew)
		if kind != "seed" && t+1 < steps {
			t1 := time.Now()
			if err := filter.Observe(next, action); err != nil {
				return err
			}
			r.res.DecisionSeconds += time.Since(t1).Seconds()
		}
		if kind == "train" && cfg.Schedule == ScheduleInterleaved && train > 0 {
			// Spread the updates evenly over the episode's steps.
			due := (t + 1) * cfg.Updates / steps
			if err := r.updates(ctx, due-updatesDone); err != nil {
				return err
			}
			if due > updatesDone && !r.opts.Device.IsCPU() {
				// The device holds a copy of the parameters: refresh it.
				if err := im.UseDevice(r.opts.Device); err != nil {
					return fmt.Errorf("planet: %w", err)
				}
			}
			updatesDone = due
		}
		r.report(Progress{Phase: kind, Episode: seed + train, Episodes: total, Step: t + 1, Steps: steps,
			EnvSteps: r.res.EnvSteps, Return: ret})
		if done {
			break
		}
	}
	if kind == "seed" || kind == "train" {
		known := len(r.seeds) == len(r.replay.Episodes)
		dropped := r.replay.Dropped
		if err := r.replay.Add(ep); err != nil {
			return fmt.Errorf("planet: %w", err)
		}
		if known {
			// The seeds follow the episodes the buffer keeps.
			r.seeds = append(r.seeds[r.replay.Dropped-dropped:], r.stream(kind, index, 1))
		}
		r.res.EnvSteps += (ep.Len() - 1) * cfg.ActionRepeat
	}
	r.res.Episodes = append(r.res.Episodes, EpisodeLog{Kind: kind, Index: index, EnvSteps: r.res.EnvSteps,
		Return: ret, Seconds: time.Since(start).Seconds()})
	return nil
}

// act returns the planned action: full-space CEM in the model, or the
// agent's.
func (r *run) act(ctx context.Context, im *rssm.Imagination, filter *rssm.Filter, seed uint64) ([]float64, error) {
	if r.opts.Agent != nil {
		h, s := filter.Belief()
		return r.opts.Agent.Act(ctx, r.model, h, s, seed)
	}
	if err := im.SetStart(filter.Belief()); err != nil {
		return nil, err
	}
	plan, err := r.cfg.Planner.Plan(ctx, im, seed)
	if err != nil {
		return nil, err
	}
	a := make([]float64, r.model.ActionSize)
	for i := range a {
		a[i] = float64(plan[i])
	}
	return a, nil
}

// updates makes n model updates and logs their mean loss.
func (r *run) updates(ctx context.Context, n int) error {
	if n <= 0 {
		return nil
	}
	cfg := r.cfg
	var sum LossLog
	params := r.model.Params()
	r.threads(true)
	defer r.threads(false)
	seed, train, _ := r.counts()
	for i := range n {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("planet: stopped at update %d: %w", r.res.Updates, err)
		}
		t0 := time.Now()
		b, err := r.replay.Sample(cfg.BatchSize, cfg.ChunkLength, tensor.Float32, r.rng)
		if err != nil {
			return fmt.Errorf("planet: %w", err)
		}
		l, err := r.gradient(b)
		if err != nil {
			r.opt.ZeroGrad()
			return err
		}
		total := l.Total
		nn.ClipGradNorm(params, cfg.GradClip)
		r.opt.Step()
		r.opt.ZeroGrad()
		r.res.Updates++
		r.res.UpdateSeconds += time.Since(t0).Seconds()
		sum.Total += total
		sum.ObsNLL += l.ObsNLL
		sum.RewardNLL += l.RewardNLL
		sum.KL += l.KL
		if cfg.Schedule == ScheduleEpisode || train == 0 {
			r.report(Progress{Phase: "update", Episode: seed + train, Episodes: r.seedEpisodes() + cfg.Episodes,
				Step: i + 1, Steps: n, EnvSteps: r.res.EnvSteps, Loss: total})
		}
	}
	k := float64(n)
	log := LossLog{Update: r.res.Updates, EnvSteps: r.res.EnvSteps,
		Total: sum.Total / k, ObsNLL: sum.ObsNLL / k, RewardNLL: sum.RewardNLL / k, KL: sum.KL / k}
	if r.opts.Agent != nil {
		if lr, ok := r.opts.Agent.(LearnReporter); ok {
			lr.SetLearnProgress(func(step, steps int, score float64) {
				r.report(Progress{Phase: "agent", Episode: seed + train, Episodes: r.seedEpisodes() + cfg.Episodes,
					Step: step, Steps: steps, EnvSteps: r.res.EnvSteps, Return: score})
			})
			defer lr.SetLearnProgress(nil)
		}
		// The agent's updates differentiate through batched solves of
		// thousands of rows: BLAS threads pay there as in the model's.
		t0 := time.Now()
		score, err := r.opts.Agent.Learn(ctx, r.model, r.replay, r.rng)
		if err != nil {
			return fmt.Errorf("planet: agent: %w", err)
		}
		r.res.AgentSeconds += time.Since(t0).Seconds()
		r.res.AgentRounds++
		log.Agent = score
	}
	r.res.Losses = append(r.res.Losses, log)
	return nil
}

// gradient puts the gradient of the model's loss on b into the parameters'
// gradients (through Loss on the run's arena, with the BLAS threads of the
// updates) and returns the loss's values. rssm.GradientWorkers, which
// shares the chunks out over goroutines instead, measured the same here
// (122–129 ms against 122–136 ms per update on 2 cores).
func (r *run) gradient(b rssm.Batch) (rssm.LossValues, error) {
	a := r.arena
	b = rssm.Batch{Obs: a.Use(b.Obs), Actions: a.Use(b.Actions), Rewards: a.Use(b.Rewards)}
	l, err := r.model.Loss(b, r.rng)
	if err != nil {
		a.Reset()
		return rssm.LossValues{}, fmt.Errorf("planet: %w", err)
	}
	v := rssm.LossValues{Total: l.Total.Item(), ObsNLL: l.ObsNLL, RewardNLL: l.RewardNLL, KL: l.KL}
	if math.IsNaN(v.Total) || math.IsInf(v.Total, 0) {
		a.Reset()
		return v, fmt.Errorf("planet: update %d: the loss is %g", r.res.Updates, v.Total)
	}
	l.Total.Backward()
	a.Reset()
	return v, nil
}

// predict compares the model's open-loop prediction with an evaluation
// episode replayed in the simulator.
func (r *run) predict() error {
	const context = 5
	_, _, evals := r.counts()
	// Replay the last evaluation episode's start with the planner's
	// actions: re-collect it, recording observations and actions.
	env := r.env
	obs, err := env.Reset(r.stream("eval", evals-1, 1))
	if err != nil {
		return err
	}
	A := env.ActionSize()
	steps := min(context+50, r.cfg.EpisodeSteps/r.cfg.ActionRepeat)
	observations := [][]float64{obs}
	actions := [][]float64{make([]float64, A)}
	rewards := []float64{0}
	g := tensor.NewRNG(r.stream("predict", 0, 1))
	// Actions: a smooth random walk, so that the prediction is checked off
	// the planner's own distribution too.
	a := make([]float64, A)
	for len(observations) < steps+1 {
		for i := range a {
			a[i] = math.Max(-1, math.Min(1, 0.8*a[i]+0.5*g.Normal()))
		}
		o, rew, done, err := env.Step(a)
		if err != nil {
			return err
		}
		observations = append(observations, o)
		actions = append(actions, append([]float64(nil), a...))
		rewards = append(rewards, rew)
		if done {
			break
		}
	}
	predObs, predRew, err := r.model.OpenLoop(observations[:context], actions, r.stream("predict", 0, 2))
	if err != nil {
		return err
	}
	dims := min(4, r.res.ObsSize)
	p := &Prediction{Context: context, RealReward: rewards[context:], PredReward: predRew,
		RealObs: make([][]float64, dims), PredObs: make([][]float64, dims)}
	for d := range dims {
		for k := range predObs {
			p.RealObs[d] = append(p.RealObs[d], observations[context+k][d])
			p.PredObs[d] = append(p.PredObs[d], predObs[k][d])
		}
	}
	r.res.Prediction = p
	return nil
}

// report calls the progress callback with the elapsed and estimated
// remaining time.
func (r *run) report(p Progress) {
	if r.opts.Progress == nil {
		return
	}
	p.Elapsed = time.Duration((r.elapsed + time.Since(r.start).Seconds()) * float64(time.Second))
	if left, ok := r.estimate(); ok {
		p.Left = left
	}
	r.opts.Progress(p)
}

// estimate predicts the remaining time from the measured cost model, once
// a planned decision and an update have been timed.
func (r *run) estimate() (time.Duration, bool) {
	res, cfg := r.res, r.cfg
	if res.Decisions == 0 || (res.Updates == 0 && cfg.Updates > 0) {
		return 0, false
	}
	perDecision := res.DecisionSeconds / float64(res.Decisions)
	perStep := 0.0
	if res.Steps > 0 {
		perStep = res.EnvSeconds / float64(res.Steps)
	}
	perUpdate := 0.0
	if res.Updates > 0 {
		perUpdate = res.UpdateSeconds / float64(res.Updates)
	}
	_, train, eval := r.counts()
	steps := cfg.EpisodeSteps / cfg.ActionRepeat
	trainLeft := cfg.Episodes - train
	evalLeft := cfg.Episodes/cfg.EvalEvery*cfg.EvalEpisodes - eval
	if cfg.Episodes%cfg.EvalEvery != 0 {
		evalLeft += cfg.EvalEpisodes
	}
	episodes := float64(trainLeft + max(evalLeft, 0))
	perAgent := 0.0
	if res.AgentRounds > 0 {
		perAgent = res.AgentSeconds / float64(res.AgentRounds)
	}
	sec := episodes*float64(steps)*(perDecision+perStep*float64(cfg.ActionRepeat)) +
		float64(trainLeft*cfg.Updates)*perUpdate + float64(trainLeft)*perAgent
	return time.Duration(sec * float64(time.Second)), true
}

// finishCost turns the counters into the cost model.
func (r *run) finishCost() {
	res := r.res
	if res.Updates > 0 {
		res.Cost.PerUpdate = res.UpdateSeconds / float64(res.Updates)
	}
	if res.Decisions > 0 {
		res.Cost.PerDecision = res.DecisionSeconds / float64(res.Decisions)
	}
	if res.Steps > 0 {
		res.Cost.PerEnvStep = res.EnvSeconds / float64(res.Steps)
	}
	if res.AgentRounds > 0 {
		res.Cost.PerAgentRound = res.AgentSeconds / float64(res.AgentRounds)
	}
}

func timeSince(t time.Time) float64 { return time.Since(t).Seconds() }
