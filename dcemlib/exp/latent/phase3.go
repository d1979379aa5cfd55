package latent

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"math"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/internal/seedtag"
	"github.com/dcem-go/dcem/dcemlib/ppo"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/dmc"
)

// BeliefEnv is a task seen through a world model: its observations are the
// model's filtered belief [h, s] of the wrapped environment, the input of
// the DCEM controller, so that policy-gradient methods can train the
// controller as a policy (the paper's phase 3).
type BeliefEnv struct {
	Env   envs.Env
	Model *rssm.Model
	// MaxSteps, if positive, ends episodes after that many steps (a time
	// limit on top of the wrapped environment's).
	MaxSteps int

	filter *rssm.Filter
	steps  int
	lo, hi []float64
}

// NewBeliefEnv wraps env (with its action repeat) and model m.
func NewBeliefEnv(env envs.Env, m *rssm.Model) (*BeliefEnv, error) {
	if env == nil || m == nil {
		return nil, errors.New("latent.NewBeliefEnv: env and model must be set")
	}
	if env.ObservationSize() != m.ObsSize || env.ActionSize() != m.ActionSize {
		return nil, fmt.Errorf("latent.NewBeliefEnv: the environment's observations and actions (%d, %d) do not fit the model's (%d, %d)",
			env.ObservationSize(), env.ActionSize(), m.ObsSize, m.ActionSize)
	}
	lo, hi := env.ActionBounds()
	return &BeliefEnv{Env: env, Model: m, lo: lo, hi: hi}, nil
}

func (b *BeliefEnv) belief() []float64 {
	h, s := b.filter.Belief()
	return append(h, s...)
}

// Reset starts an episode and returns the belief after its first
// observation; the filter's samples are drawn from seed too.
func (b *BeliefEnv) Reset(seed uint64) ([]float64, error) {
	obs, err := b.Env.Reset(seed)
	if err != nil {
		return nil, err
	}
	b.filter = b.Model.NewFilter(seed ^ seedtag.Filter)
	b.steps = 0
	if err := b.filter.Observe(obs, nil); err != nil {
		return nil, err
	}
	return b.belief(), nil
}

// Step applies the action (clamped to the bounds) and returns the updated
// belief, the reward and whether the episode ended.
func (b *BeliefEnv) Step(action []float64) ([]float64, float64, bool, error) {
	if b.filter == nil {
		return nil, 0, false, envs.ErrNotReset
	}
	obs, r, done, err := b.Env.Step(action)
	if err != nil {
		return nil, 0, done, err
	}
	applied := envs.Clamp(make([]float64, len(action)), action, b.lo, b.hi)
	if err := b.filter.Observe(obs, applied); err != nil {
		return nil, 0, done, err
	}
	b.steps++
	if b.MaxSteps > 0 && b.steps >= b.MaxSteps {
		done = true
	}
	return b.belief(), r, done, nil
}

// ObservationSize is BeliefSize + StateSize.
func (b *BeliefEnv) ObservationSize() int { return b.Model.BeliefSize + b.Model.StateSize }

// ActionSize is the task's.
func (b *BeliefEnv) ActionSize() int { return b.Env.ActionSize() }

// ActionBounds are the task's.
func (b *BeliefEnv) ActionBounds() (lo, hi []float64) { return b.Env.ActionBounds() }

// Policy is the DCEM controller as a Gaussian policy (the paper's phase 3):
// π(a | belief) = N(first action of the decoded DCEM solution, σ²), with σ
// fixed or learned. Its log-probability's gradient flows through the DCEM
// solve into the decoder and the world model's reward and transition
// models; Frozen says which of them PPO leaves alone.
type Policy struct {
	Controller *Controller
	// LogStd is log σ, shape (ActionSize).
	LogStd *tensor.Tensor
	// Seed fixes the solver's samples, so that the mean is a deterministic
	// function of the belief and the parameters (PPO's ratios need that).
	Seed uint64
	// NoisePerBelief, when set, derives the solver's seed from Seed and a
	// hash of the belief (Controller.PlanEach): the mean stays a function
	// of the belief, but its draws change from one belief to the next, as
	// the latent DCEM agent's change from one decision to the next. Without
	// it every decision uses the same draws, which plays differently from
	// the agent (the walker's phase-2 controller: median return 98.5 over
	// 10 episodes against 137.0 with fresh draws).
	NoisePerBelief bool
	params         []*tensor.Tensor
}

// NewPolicy returns the controller as a policy with σ = sigma, learned when
// learnSigma is set. The policy's Controller is a copy of c with
// SharedNoise set; it shares c's decoder and model.
func NewPolicy(c *Controller, sigma float64, learnSigma bool, seed uint64) (*Policy, error) {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("latent.NewPolicy: sigma = %g, want a finite value > 0", sigma)
	}
	A := c.Model.ActionSize
	// The policy's own controller (c is left as it is), sharing c's
	// decoder and model: the mean of a belief must not depend on its
	// minibatch.
	pc := *c
	pc.SharedNoise = true
	c = &pc
	ls := tensor.FullOf(c.Model.DType(), math.Log(sigma), A)
	p := &Policy{Controller: c, LogStd: ls, Seed: seed}
	p.params = append(p.params, c.Decoder.Params()...)
	p.params = append(p.params, p.RewardParams()...)
	p.params = append(p.params, p.TransitionParams()...)
	if learnSigma {
		p.LogStd = ls.RequiresGrad()
		p.params = append(p.params, p.LogStd)
	}
	return p, nil
}

// RewardParams returns the world model's reward-model parameters.
func (p *Policy) RewardParams() []*tensor.Tensor { return p.Controller.Model.Reward.Params() }

// TransitionParams returns the parameters of the world model's imagined
// transition: the deterministic path and the prior.
func (p *Policy) TransitionParams() []*tensor.Tensor {
	m := p.Controller.Model
	var ps []*tensor.Tensor
	ps = append(ps, m.Pre.Params()...)
	ps = append(ps, m.Cell.Params()...)
	ps = append(ps, m.PriorHidden.Params()...)
	ps = append(ps, m.PriorOut.Params()...)
	return ps
}

// Params returns the decoder's, the reward model's, the transition's and,
// when learned, log σ.
func (p *Policy) Params() []*tensor.Tensor { return p.params }

// Distribution solves the embedded problem from each belief in obs
// (B, BeliefSize + StateSize) and returns the first planned actions and
// log σ. It returns the solver's error, ctx's when ctx is done.
func (p *Policy) Distribution(ctx context.Context, obs *tensor.Tensor) (mean, logStd *tensor.Tensor, err error) {
	m := p.Controller.Model
	D, S := m.BeliefSize, m.StateSize
	if obs.Dims() != 2 || obs.Dim(1) != D+S {
		return nil, nil, fmt.Errorf("latent.Policy: observations of shape %v, want (B, %d) (belief %d + state %d)", obs.Shape(), D+S, D, S)
	}
	h, s := obs.Slice(1, 0, D), obs.Slice(1, D, D+S)
	var plan *control.LatentPlan
	if p.NoisePerBelief {
		plan, err = p.Controller.PlanEach(ctx, h, s, p.beliefSeeds(obs))
	} else {
		plan, err = p.Controller.Plan(ctx, h, s, p.Seed)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("latent.Policy: %w", err)
	}
	return plan.Actions.Slice(1, 0, m.ActionSize), p.LogStd, nil
}

// beliefSeeds returns Seed mixed with an FNV-1a hash of each row of obs
// (its values as float64 bits, so a float32 belief hashes the same after
// a round trip through float64).
func (p *Policy) beliefSeeds(obs *tensor.Tensor) []uint64 {
	n, d := obs.Dim(0), obs.Dim(1)
	vals := obs.Values()
	seeds := make([]uint64, n)
	for i := range seeds {
		h := fnv.New64a()
		hashFloats(h, vals[i*d:(i+1)*d])
		seeds[i] = p.Seed ^ h.Sum64()
	}
	return seeds
}

var _ ppo.Policy = (*Policy)(nil)

// Phase3Config holds the settings of phase 3: PPO through the DCEM
// controller of a finished phase-2 run.
type Phase3Config struct {
	// PPO sets the policy-gradient training; the paper: "standard" PPO
	// with 10 episodes per update, passes (Epochs) ∈ {1, 2, 4} and model
	// learning rates ∈ {1e-4, 1e-5}, no likelihood fitting.
	PPO ppo.Config `json:"ppo"`
	// Sigma is the policy's σ (the paper: 0.1), learned when LearnSigma.
	Sigma      float64 `json:"sigma"`
	LearnSigma bool    `json:"learn_sigma"`
	// FreezeDecoder, FreezeReward and FreezeTransition leave those parts
	// of the controller as phase 2 left them.
	FreezeDecoder    bool `json:"freeze_decoder"`
	FreezeReward     bool `json:"freeze_reward"`
	FreezeTransition bool `json:"freeze_transition"`
	// NoisePerBelief sets the policy's Policy.NoisePerBelief.
	NoisePerBelief bool `json:"noise_per_belief,omitempty"`
	// ValueHidden are the widths of the value network's tanh layers.
	ValueHidden []int `json:"value_hidden"`
	// EvalEpisodes noiseless episodes evaluate the policy's mean after
	// training (≥ 0).
	EvalEpisodes int `json:"eval_episodes"`
}

// Phase3Default returns the paper's phase-3 settings with PPO's standard
// values otherwise: 10 episodes per update, 4 passes of 32 minibatches,
// learning rate 1e-4, σ 0.1 fixed, 20 updates, no target KL (but see
// Phase3Small on the learning rate). Minibatches go through the
// controller 16 beliefs at a time (ppo.Config.MicroBatch): the graph of one
// belief's batched DCEM solve (100 samples × 10 iterations × 12 steps on
// PlaNet's model, float32) takes about 0.19 GB, so a whole minibatch of the
// walker's 156 beliefs would need 30 GB.
func Phase3Default() Phase3Config {
	c := ppo.Standard()
	c.Steps, c.Episodes = 0, 10
	c.Updates, c.Epochs, c.Minibatches = 20, 4, 32
	c.MicroBatch = 16
	c.LR, c.ValueLR = 1e-4, 3e-4
	c.LRDecay = false
	return Phase3Config{PPO: c, Sigma: 0.1, ValueHidden: []int{64, 64}, EvalEpisodes: 10}
}

// Phase3Small returns a reduced budget for a 2-core machine: 3 updates of
// 2 episodes, one pass of 8 minibatches (every minibatch differentiates
// through a batched DCEM solve), learning rate 1e-6 and a target KL of
// 0.02 (ppo.Config.TargetKL).
//
// The learning rate is below the paper's because of how far one Adam step
// moves this controller: on the cheetah's phase-2 model of the Small
// budget, one step on 16 beliefs (decoder, reward and transition together,
// σ = 0.1) moved the policy's means on 48 other beliefs by a mean KL of
// 100 at 1e-4 (the largest mean shift 1.6, of actions in [−1, 1]), 1.6 at
// 1e-5 and 0.016 at 1e-6 — PPO's usual range only at the last. Alone, the
// transition moved them most (28 at 1e-4), then the decoder (9.4) and the
// reward model (4.4).
func Phase3Small() Phase3Config {
	c := Phase3Default()
	c.PPO.Updates, c.PPO.Episodes, c.PPO.Epochs, c.PPO.Minibatches = 3, 2, 1, 8
	c.PPO.LR, c.PPO.TargetKL = 1e-6, 0.02
	c.EvalEpisodes = 3
	return c
}

// Phase3Quick returns a run of seconds for tests.
func Phase3Quick() Phase3Config {
	c := Phase3Default()
	c.PPO.Updates, c.PPO.Episodes, c.PPO.Epochs, c.PPO.Minibatches = 1, 1, 1, 2
	c.EvalEpisodes = 1
	return c
}

// Phase3Result is the outcome of RunPhase3.
type Phase3Result struct {
	Config Phase3Config `json:"config"`
	// Train is PPO's record; Before and After the policy mean's returns on
	// the same noiseless evaluation episodes before and after training.
	Train  *ppo.Result `json:"train"`
	Before []float64   `json:"before,omitempty"`
	After  []float64   `json:"after,omitempty"`
}

// Phase3Options are the parts of a phase-3 run that are not settings.
type Phase3Options struct {
	// Checkpoint, if set, is the run's checkpoint file: PPO's
	// (ppo.Options.Checkpoint, written after every update) with the
	// returns of the evaluations. RunPhase3 resumes from it when it exists
	// — with the next update, and without evaluating the starting policy
	// again — and returns a finished run's result without more work. A
	// checkpoint of another Phase3Config or of another phase-2 run (a world
	// model or decoder of other values) is refused with an error, and a
	// damaged one is an error saying it is corrupted.
	Checkpoint string
	// Progress, if set, is called after each PPO update.
	Progress func(ppo.UpdateLog)
	// Within, if set, is called inside each update (ppo.Options.Within):
	// an update of the reduced budget takes minutes. The evaluations
	// before and after training report through it too, after every step,
	// with Phase "evaluate before" or "evaluate after", Update 0 and Done
	// of Total episodes.
	Within func(ppo.Within)
}

// phase3State is what a phase-3 checkpoint holds besides PPO's state.
type phase3State struct {
	Config []byte // the Phase3Config as JSON
	World  uint64 // the phase-2 run's world model and decoder (fingerprint)
	Before []float64
	After  []float64
	Done   bool // After is the evaluation after training
}

// phase3Fields is phase3State without its methods, for gob (which would
// call MarshalBinary again).
type phase3Fields phase3State

func (s *phase3State) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode((*phase3Fields)(s))
	return b.Bytes(), err
}

// UnmarshalBinary restores a state of the same Config and world model as
// s's.
func (s *phase3State) UnmarshalBinary(b []byte) (err error) {
	var st phase3Fields
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("corrupted phase-3 state: %v", r)
			}
		}()
		if e := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); e != nil {
			err = fmt.Errorf("corrupted phase-3 state: %w", e)
		}
	}()
	if err != nil {
		return err
	}
	if !bytes.Equal(st.Config, s.Config) {
		return fmt.Errorf("the phase-3 run belongs to another configuration (%s); remove it or resume with that configuration", st.Config)
	}
	if st.World != s.World {
		return errors.New("the phase-3 run continues another phase-2 run (its world model or decoder differs); remove it or resume with that phase-2 run")
	}
	*s = phase3State(st)
	return nil
}

// fingerprint returns an FNV-1a hash of the tensors' shapes and values.
func fingerprint(ts []*tensor.Tensor) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	for _, t := range ts {
		for _, d := range t.Shape() {
			binary.LittleEndian.PutUint64(buf[:], uint64(d))
			h.Write(buf[:])
		}
		hashFloats(h, t.Values())
	}
	return h.Sum64()
}

// hashFloats writes the bits of vals into h.
func hashFloats(h hash.Hash, vals []float64) {
	var buf [8]byte
	for _, v := range vals {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		h.Write(buf[:])
	}
}

// RunPhase3 loads the world model and the latent DCEM agent of a phase-2
// checkpoint (agentCfg must be the run's agent settings), wraps the task in
// a BeliefEnv and trains the controller as a policy with PPO, evaluating
// its mean before and after on the same noiseless episodes. With
// opts.Checkpoint it resumes an interrupted run (see Phase3Options): PPO
// collects whole episodes per update, so the resumed updates are those of
// an uninterrupted run. The evaluation before training is saved as soon as
// it is done, in a checkpoint before the first update; a run interrupted
// before that evaluates again, with the same result (the policy's mean and
// the episodes are deterministic).
func RunPhase3(ctx context.Context, cfg Phase3Config, phase2 string, agentCfg AgentConfig, opts Phase3Options) (*Phase3Result, *Policy, error) {
	if err := cfg.PPO.Validate(); err != nil {
		return nil, nil, err
	}
	if cfg.EvalEpisodes < 0 {
		return nil, nil, fmt.Errorf("latent: Phase3Config.EvalEpisodes = %d, want ≥ 0", cfg.EvalEpisodes)
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, nil, err
	}
	saved, err := planet.ReadSaved(phase2) // read and decoded once
	if err != nil {
		return nil, nil, err
	}
	m, err := saved.Model()
	if err != nil {
		return nil, nil, err
	}
	agent, err := NewAgent(agentCfg, m.ActionSize)
	if err != nil {
		return nil, nil, err
	}
	if err := saved.LoadAgent(agent); err != nil {
		return nil, nil, err
	}
	world := saved.Result().Config
	env, err := dmc.New(world.Task)
	if err != nil {
		return nil, nil, fmt.Errorf("latent: %w", err)
	}
	defer env.Close()
	rep, err := envs.NewActionRepeat(env, world.ActionRepeat)
	if err != nil {
		return nil, nil, err
	}
	benv, err := NewBeliefEnv(rep, m)
	if err != nil {
		return nil, nil, err
	}
	benv.MaxSteps = world.EpisodeSteps / world.ActionRepeat
	policy, err := NewPolicy(agent.Controller(m), cfg.Sigma, cfg.LearnSigma, cfg.PPO.Seed^seedtag.Policy)
	if err != nil {
		return nil, nil, err
	}
	policy.NoisePerBelief = cfg.NoisePerBelief
	value := ppo.NewMLPValue(benv.ObservationSize(), cfg.ValueHidden, tensor.NewRNG(cfg.PPO.Seed^seedtag.Value)).Convert(m.DType())
	var frozen []*tensor.Tensor
	if cfg.FreezeDecoder {
		frozen = append(frozen, agent.Decoder.Params()...)
	}
	if cfg.FreezeReward {
		frozen = append(frozen, policy.RewardParams()...)
	}
	if cfg.FreezeTransition {
		frozen = append(frozen, policy.TransitionParams()...)
	}
	st := &phase3State{Config: cfgJSON, World: fingerprint(append(m.Params(), agent.Decoder.Params()...))}
	popts := ppo.Options{Frozen: frozen, Progress: opts.Progress, Within: opts.Within, Checkpoint: opts.Checkpoint}
	if opts.Checkpoint != "" {
		popts.Extra = st
	}
	tr, err := ppo.NewTrainer([]envs.Env{benv}, policy, value, cfg.PPO, popts)
	if err != nil {
		return nil, nil, fmt.Errorf("latent: phase 3: %w", err)
	}
	res := &Phase3Result{Config: cfg}
	evalSeed := cfg.PPO.Seed + seedtag.Eval
	if cfg.EvalEpisodes > 0 && tr.Updates() == 0 && len(st.Before) == 0 {
		if st.Before, err = ppo.Evaluate(ctx, reporting(benv, "evaluate before", cfg.EvalEpisodes, opts.Within), policy, cfg.EvalEpisodes, evalSeed); err != nil {
			return nil, nil, err
		}
		// Saved before the first update, so that a run interrupted in
		// it does not evaluate again.
		if err := tr.SaveCheckpoint(); err != nil {
			return nil, nil, err
		}
	}
	res.Before = st.Before
	if res.Train, err = tr.Run(ctx); err != nil {
		return res, policy, err
	}
	if cfg.EvalEpisodes > 0 && !st.Done {
		if st.After, err = ppo.Evaluate(ctx, reporting(benv, "evaluate after", cfg.EvalEpisodes, opts.Within), policy, cfg.EvalEpisodes, evalSeed); err != nil {
			return res, policy, err
		}
		st.Done = true
		if err := tr.SaveCheckpoint(); err != nil {
			return res, policy, err
		}
	}
	res.After = st.After
	return res, policy, nil
}

// reporting returns env with its steps reported to within (if set) as an
// evaluation of episodes episodes named phase.
func reporting(env envs.Env, phase string, episodes int, within func(ppo.Within)) envs.Env {
	if within == nil {
		return env
	}
	return &reportingEnv{Env: env, w: ppo.Within{Phase: phase, Total: episodes}, within: within}
}

// reportingEnv is an environment that reports its steps and finished
// episodes.
type reportingEnv struct {
	envs.Env
	w      ppo.Within
	within func(ppo.Within)
}

func (e *reportingEnv) Step(a []float64) ([]float64, float64, bool, error) {
	obs, r, done, err := e.Env.Step(a)
	if err == nil {
		e.w.Steps++
		if done {
			e.w.Done++
		}
		e.within(e.w)
	}
	return obs, r, done, err
}
