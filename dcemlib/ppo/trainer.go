package ppo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// Trainer runs PPO (Schulman et al. 2017, Algorithm 1): each Update
// collects steps with the current policy from its environments, computes
// advantages by GAE, and optimizes the clipped surrogate (eq. 7) and the
// value loss for some epochs of minibatches with Adam. Policy and value
// function are separate networks with optimizers of their own, whose state
// the Trainer keeps from update to update.
//
// The environments are stepped one after another in lockstep, and the
// policy is asked for the actions of all running environments in one batch,
// so that a policy whose mean is an expensive solve is called once per time
// step. Actions are sampled from the Gaussian, stored unclipped for the
// log-probabilities, and clipped to the environment's bounds for stepping.
type Trainer struct {
	Policy Policy
	Value  ValueFunction
	Config Config

	envs            []envs.Env
	obsSize, act    int
	lo, hi          []float64
	pdt, vdt        tensor.DType
	frozen          []*tensor.Tensor
	trainable       []*tensor.Tensor
	policyOpt       *nn.Adam
	valueOpt        *nn.Adam
	progress        func(UpdateLog)
	within          func(Within)
	checkpoint      string
	extra           State
	rng             *tensor.RNG
	train, inferArn *tensor.Arena

	// Per-environment state carried from one update to the next.
	obs     [][]float64 // current observation; nil before a reset
	epRet   []float64   // raw return of the running episode
	discRet []float64   // discounted return, for reward normalization
	rms     runningStat

	updates, totalSteps int
	logs                []UpdateLog
	returns             []float64
}

// NewTrainer returns a Trainer of policy and value on the given
// environments, which must agree in observation size, action size and
// bounds. It returns an error naming the setting when cfg is out of range,
// Steps is not a multiple of the number of environments, or an entry of
// opts.Frozen is not a parameter of the policy. When opts.Checkpoint names
// an existing file, the Trainer resumes from it (see Options.Checkpoint);
// its Updates then says how many updates were done.
func NewTrainer(environments []envs.Env, policy Policy, value ValueFunction, cfg Config, opts Options) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(environments) == 0 {
		return nil, errors.New("ppo: no environments, want at least one")
	}
	if policy == nil || value == nil {
		return nil, errors.New("ppo: policy and value function must not be nil")
	}
	if cfg.Steps%len(environments) != 0 {
		return nil, fmt.Errorf("ppo: Steps = %d, want a multiple of the number of environments (%d)", cfg.Steps, len(environments))
	}
	t := &Trainer{Policy: policy, Value: value, Config: cfg, envs: environments, progress: opts.Progress, within: opts.Within,
		checkpoint: opts.Checkpoint, extra: opts.Extra}
	for i, e := range environments {
		if e == nil {
			return nil, fmt.Errorf("ppo: environment %d is nil", i)
		}
		lo, hi := e.ActionBounds()
		if i == 0 {
			t.obsSize, t.act, t.lo, t.hi = e.ObservationSize(), e.ActionSize(), lo, hi
			if t.obsSize < 1 || t.act < 1 || len(lo) != t.act || len(hi) != t.act {
				return nil, fmt.Errorf("ppo: environment 0 has observation size %d, action size %d and %d/%d bounds, want sizes ≥ 1 and one bound per action",
					t.obsSize, t.act, len(lo), len(hi))
			}
			continue
		}
		if e.ObservationSize() != t.obsSize || e.ActionSize() != t.act || !slices.Equal(lo, t.lo) || !slices.Equal(hi, t.hi) {
			return nil, fmt.Errorf("ppo: environment %d differs from environment 0 in observation size, action size or bounds", i)
		}
	}
	pp, vp := policy.Params(), value.Params()
	t.pdt, t.vdt = dtypeOf(pp), dtypeOf(vp)
	for i, f := range opts.Frozen {
		found := false
		for _, p := range pp {
			found = found || p == f
		}
		if !found {
			return nil, fmt.Errorf("ppo: Options.Frozen[%d] (shape %v) is not one of the policy's Params", i, f.Shape())
		}
	}
	t.frozen = opts.Frozen
	for _, p := range pp {
		isFrozen := false
		for _, f := range opts.Frozen {
			isFrozen = isFrozen || p == f
		}
		if !isFrozen {
			t.trainable = append(t.trainable, p)
		}
	}
	for i, p := range t.trainable {
		if !p.NeedsGrad() || !p.IsLeaf() {
			return nil, fmt.Errorf("ppo: policy parameter %d (shape %v) is not a leaf marked RequiresGrad", i, p.Shape())
		}
	}
	for i, p := range vp {
		if !p.NeedsGrad() || !p.IsLeaf() {
			return nil, fmt.Errorf("ppo: value parameter %d (shape %v) is not a leaf marked RequiresGrad", i, p.Shape())
		}
	}
	t.policyOpt, t.valueOpt = t.newOptimizers()
	t.rng = tensor.NewRNG(cfg.Seed)
	t.train, t.inferArn = tensor.NewArena(), tensor.NewNoGradArena()
	n := len(environments)
	t.obs, t.epRet, t.discRet = make([][]float64, n), make([]float64, n), make([]float64, n)
	t.rms = newRunningStat()
	if t.checkpoint != "" {
		if err := t.load(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// newOptimizers returns fresh Adam optimizers of the policy's trainable
// parameters and of the value function.
func (t *Trainer) newOptimizers() (policy, value *nn.Adam) {
	policy = nn.NewAdam(t.trainable, t.Config.LR)
	policy.Eps = t.Config.AdamEps
	value = nn.NewAdam(t.Value.Params(), t.Config.valueLR())
	value.Eps = t.Config.AdamEps
	return policy, value
}

// Train runs PPO on env for cfg.Updates updates (see Trainer) and returns
// the record of the run. It stops with ctx's error, and the record so far,
// when ctx is done; with opts.Checkpoint it resumes from there when called
// again.
func Train(ctx context.Context, env envs.Env, policy Policy, value ValueFunction, cfg Config, opts Options) (*Result, error) {
	t, err := NewTrainer([]envs.Env{env}, policy, value, cfg, opts)
	if err != nil {
		return nil, err
	}
	return t.Run(ctx)
}

// Run calls Update until Config.Updates updates are done, and returns the
// record of the run (also when it stops early with an error).
func (t *Trainer) Run(ctx context.Context) (*Result, error) {
	for t.updates < t.Config.Updates {
		if _, err := t.Update(ctx); err != nil {
			return t.Result(), err
		}
	}
	return t.Result(), nil
}

// Result returns the record of the updates done so far.
func (t *Trainer) Result() *Result {
	return &Result{Logs: append([]UpdateLog(nil), t.logs...), Returns: append([]float64(nil), t.returns...), TotalSteps: t.totalSteps}
}

// Updates returns the number of updates done.
func (t *Trainer) Updates() int { return t.updates }

// Optimizers returns the Adam optimizers of the policy's trainable
// parameters and of the value function, whose state (MarshalBinary) a
// checkpoint can save.
func (t *Trainer) Optimizers() (policy, value *nn.Adam) { return t.policyOpt, t.valueOpt }
