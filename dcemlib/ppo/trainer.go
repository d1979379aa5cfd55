package ppo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// Options are the parts of a training run that are not plain settings.
type Options struct {
	// Frozen lists parameters of the policy that training leaves as they
	// are: the optimizer skips them and their gradients are cleared after
	// every minibatch (a DCEM controller's decoder, reward or transition
	// model, for example). Each must be one of the policy's Params.
	Frozen []*tensor.Tensor
	// Progress, if set, is called after every update with its log.
	Progress func(UpdateLog)
	// Within, if set, is called inside every update: after each round of
	// environment steps while collecting, and after each minibatch while
	// optimizing — for policies slow enough that an update takes minutes.
	Within func(Within)
	// Checkpoint, if set, is a file that the Trainer writes after every
	// update, atomically (a temporary file, synced, then renamed over it):
	// the parameters of policy and value function, both optimizers'
	// states, the random state, the running reward statistics, the record
	// so far and the Config. NewTrainer resumes from it when it exists, so
	// that Run goes on with the next update, and returns the record
	// without more work when the run had finished. A checkpoint of another
	// Config or of networks of other shapes is refused with an error, and
	// a damaged one is an error saying it is corrupted.
	//
	// With Config.Episodes every update collects whole fresh episodes, and
	// a resumed run's later updates are those of an uninterrupted one, bit
	// for bit (given environments whose episodes depend on the Reset seed
	// only, and a deterministic policy mean). With Config.Steps episodes
	// run on across updates, and the environments' states are not saved:
	// a resumed run starts every environment on a new episode (the
	// interrupted episodes' returns are lost), and goes on from the next
	// update with the saved parameters, optimizers, random state and
	// reward statistics.
	Checkpoint string
	// Extra, if set with Checkpoint, is more state that every checkpoint
	// saves and a resume restores into it — a caller's own, such as
	// evaluations made before training (see Trainer.SaveCheckpoint). A
	// checkpoint written with Extra must be resumed with it, and one
	// written without, without.
	Extra State
}

// Within says where an update is (Options.Within).
type Within struct {
	// Update counts the updates from 1; Phase is "collect" or "optimize"
	// (callers that report other work through the same callback, such as
	// latent.RunPhase3's evaluations, use phases of their own).
	Update int
	Phase  string
	// Done of Total: while collecting, finished episodes of
	// Config.Episodes, or steps of Config.Steps; while optimizing,
	// minibatches of Epochs·Minibatches.
	Done, Total int
	// Steps is the number of environment steps collected so far.
	Steps int
}

// UpdateLog records one PPO update.
type UpdateLog struct {
	// Update counts the updates from 1.
	Update int
	// Steps is the number of environment steps collected for the update
	// and TotalSteps the number since the start.
	Steps, TotalSteps int
	// Episodes is the number of episodes that ended while collecting, and
	// MeanReturn the mean of their undiscounted, unnormalized returns (NaN
	// when none ended).
	Episodes   int
	MeanReturn float64
	// PolicyLoss (−L^CLIP, eq. 7), ValueLoss (L^VF, unscaled by ValueCoef),
	// Entropy (per step), ApproxKL (mean (r − 1) − log r) and ClipFraction
	// (the share of ratios r outside [1−ε, 1+ε]) are means over the
	// update's minibatches that reached the policy.
	PolicyLoss, ValueLoss, Entropy, ApproxKL, ClipFraction float64
	// KL holds the approximate KL of each minibatch that reached the
	// policy, in order, measured before its step: the first is ≈ 0 (the
	// policy has not moved yet), the rest show how far the update went.
	KL []float64
	// PolicySteps is the number of Adam steps taken on the policy:
	// Epochs·Minibatches, or fewer when Config.TargetKL stopped the update.
	PolicySteps int
	// ExplainedVariance is 1 − Var(R − V)/Var(R) of the value targets R
	// and the values V before the update.
	ExplainedVariance float64
	// LR is the policy's learning rate during the update.
	LR float64
	// Seconds is the update's wall-clock time.
	Seconds float64
}

// Result is the record of a training run.
type Result struct {
	// Logs holds one entry per update.
	Logs []UpdateLog
	// Returns holds the undiscounted return of every episode that ended
	// during training, in order.
	Returns []float64
	// TotalSteps is the number of environment steps taken.
	TotalSteps int
}

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
		if e.ObservationSize() != t.obsSize || e.ActionSize() != t.act || !equalFloats(lo, t.lo) || !equalFloats(hi, t.hi) {
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

// rollout is one update's data, the environments' steps one after another.
type rollout struct {
	obs, act       []float64 // (N, O), (N, A)
	logp, rew      []float64 // log π_old(a|o), reward for learning
	ends           []End
	bootIdx        []int       // steps that end Truncated
	bootObs        [][]float64 // the observations they led to
	episodes       int
	episodeReturns []float64
}

func (r *rollout) len() int { return len(r.logp) }

// Update collects one update's steps and optimizes on them, and returns the
// update's log. With Options.Checkpoint it writes the checkpoint after the
// update, before calling Options.Progress. On an error (ctx done, an
// environment or the policy failing) the parameters are left as the last
// complete minibatch made them; the checkpoint keeps the state after the
// last complete update.
func (t *Trainer) Update(ctx context.Context) (UpdateLog, error) {
	start := time.Now()
	c := &t.Config
	lr, vlr := c.LR, c.valueLR()
	if c.LRDecay {
		frac := max(0, 1-float64(t.updates)/float64(c.Updates))
		lr, vlr = lr*frac, vlr*frac
	}
	t.policyOpt.SetLearningRate(lr)
	t.valueOpt.SetLearningRate(vlr)

	ro, err := t.collect(ctx)
	if err != nil {
		return UpdateLog{}, err
	}
	n := ro.len()
	log := UpdateLog{Update: t.updates + 1, Steps: n, Episodes: ro.episodes, MeanReturn: math.NaN(), LR: lr}
	if len(ro.episodeReturns) > 0 {
		log.MeanReturn = mean(ro.episodeReturns)
	}
	if n < c.Minibatches {
		return log, fmt.Errorf("ppo: collected %d steps, fewer than Minibatches = %d", n, c.Minibatches)
	}

	// Values of the observations and of the observations after truncated
	// steps, in one batch.
	all := append([]float64(nil), ro.obs...)
	for _, o := range ro.bootObs {
		all = append(all, o...)
	}
	vals, err := t.values(all, n+len(ro.bootObs))
	if err != nil {
		return log, err
	}
	values := vals[:n]
	next := make([]float64, n)
	for k, i := range ro.bootIdx {
		next[i] = vals[n+k]
	}
	adv, ret := GAE(ro.rew, values, next, ro.ends, c.Gamma, c.Lambda)
	log.ExplainedVariance = explainedVariance(values, ret)
	if c.NormalizeAdvantages {
		m, s := mean(adv), stdUnbiased(adv)
		for i := range adv {
			adv[i] = (adv[i] - m) / (s + 1e-5)
		}
	}

	obsP := fromValues(t.pdt, ro.obs, n, t.obsSize)
	obsV := obsP
	if t.vdt != t.pdt {
		obsV = fromValues(t.vdt, ro.obs, n, t.obsSize)
	}
	actP := fromValues(t.pdt, ro.act, n, t.act)
	oldLogp := fromValues(t.pdt, ro.logp, n)
	advP := fromValues(t.pdt, adv, n)
	oldV := fromValues(t.vdt, values, n)
	retV := fromValues(t.vdt, ret, n)

	var sums [5]float64 // policy loss, entropy, KL, clip fraction; value loss
	batches, reached := 0, 0
	stopped := false
	a := t.train
	for range c.Epochs {
		perm := t.rng.Perm(n)
		for m := range c.Minibatches {
			if err := ctx.Err(); err != nil {
				return log, err
			}
			idx := perm[m*n/c.Minibatches : (m+1)*n/c.Minibatches]
			if !stopped {
				pl, ent, kl, cf, stepped, err := t.policyStep(a, idx, obsP, actP, oldLogp, advP)
				if err != nil {
					a.Reset()
					return log, err
				}
				sums[0] += pl
				sums[1] += ent
				sums[2] += kl
				sums[3] += cf
				log.KL = append(log.KL, kl)
				reached++
				if stepped {
					log.PolicySteps++
				} else {
					stopped = true
				}
			}
			sums[4] += t.valueStep(a, idx, obsV, oldV, retV)
			a.Reset()
			if t.within != nil {
				t.within(Within{Update: t.updates + 1, Phase: "optimize", Done: batches + 1, Total: c.Epochs * c.Minibatches, Steps: n})
			}
			batches++
		}
	}
	r := float64(reached)
	log.PolicyLoss, log.Entropy, log.ApproxKL, log.ClipFraction = sums[0]/r, sums[1]/r, sums[2]/r, sums[3]/r
	log.ValueLoss = sums[4] / float64(batches)

	t.updates++
	t.totalSteps += n
	log.TotalSteps = t.totalSteps
	log.Seconds = time.Since(start).Seconds()
	t.logs = append(t.logs, log)
	t.returns = append(t.returns, ro.episodeReturns...)
	if err := t.SaveCheckpoint(); err != nil {
		return log, err
	}
	if t.progress != nil {
		t.progress(log)
	}
	return log, nil
}

// policyStep takes one Adam step on the minibatch idx of the policy loss
// −L^CLIP − c₂·S (eq. 9 without the value term, which acts on a separate
// network), and returns the loss, the mean entropy, the approximate KL and
// the clip fraction, all measured before the step. With Config.TargetKL
// it skips the step (stepped false) when the KL is above 1.5·TargetKL.
// With Config.MicroBatch the minibatch goes through the
// policy in parts, each part's loss weighted by its share of the samples
// and its graph released (the arena reset) once its gradient is in.
func (t *Trainer) policyStep(a *tensor.Arena, idx []int, obs, act, oldLogp, adv *tensor.Tensor) (loss, ent, kl, clipFrac float64, stepped bool, err error) {
	c := &t.Config
	size := len(idx)
	if c.MicroBatch > 0 && c.MicroBatch < size {
		size = c.MicroBatch
	}
	for lo := 0; lo < len(idx); lo += size {
		part := idx[lo:min(lo+size, len(idx))]
		w := float64(len(part)) / float64(len(idx))
		mean, logStd := t.Policy.Distribution(a.Use(obs).IndexSelect(0, part))
		if err := t.checkDistribution(mean, logStd, len(part)); err != nil {
			t.policyOpt.ZeroGrad()
			return 0, 0, 0, 0, false, err
		}
		oldMB := a.Use(oldLogp).IndexSelect(0, part)
		logp := GaussianLogProb(a.Use(act).IndexSelect(0, part), mean, logStd)
		l := ClippedSurrogate(logp, oldMB, a.Use(adv).IndexSelect(0, part), c.Clip)
		s := GaussianEntropy(logStd).Mean()
		pk, pc := ratioStats(logp, oldMB, c.Clip)
		loss, ent, kl, clipFrac = loss+w*l.Item(), ent+w*s.Item(), kl+w*pk, clipFrac+w*pc
		if c.EntropyCoef > 0 {
			l = l.Sub(s.MulScalar(c.EntropyCoef))
		}
		if len(part) < len(idx) {
			l = l.MulScalar(w)
		}
		if l.NeedsGrad() {
			l.Backward()
		}
		if lo+size < len(idx) {
			a.Reset()
		}
	}
	if c.TargetKL > 0 && kl > 1.5*c.TargetKL {
		t.policyOpt.ZeroGrad()
		return loss, ent, kl, clipFrac, false, nil
	}
	nn.ZeroGrad(t.frozen)
	if c.MaxGradNorm > 0 && len(t.trainable) > 0 {
		nn.ClipGradNorm(t.trainable, c.MaxGradNorm)
	}
	t.policyOpt.Step()
	t.policyOpt.ZeroGrad()
	return loss, ent, kl, clipFrac, true, nil
}

// valueStep takes one Adam step on the minibatch idx of c₁·L^VF and
// returns L^VF.
func (t *Trainer) valueStep(a *tensor.Arena, idx []int, obs, oldV, ret *tensor.Tensor) float64 {
	c := &t.Config
	v := t.Value.Value(a.Use(obs).IndexSelect(0, idx))
	clip := 0.0
	if c.ClipValue {
		clip = c.Clip
	}
	l := ValueLoss(v, a.Use(oldV).IndexSelect(0, idx), a.Use(ret).IndexSelect(0, idx), clip)
	loss := l.Item()
	if c.ValueCoef > 0 && l.NeedsGrad() {
		l.MulScalar(c.ValueCoef).Backward()
		if c.MaxGradNorm > 0 {
			nn.ClipGradNorm(t.valueOpt.Params, c.MaxGradNorm)
		}
		t.valueOpt.Step()
		t.valueOpt.ZeroGrad()
	}
	return loss
}

// checkDistribution returns an error unless mean has shape (b, A) and
// logStd shape (b, A) or (A).
func (t *Trainer) checkDistribution(mean, logStd *tensor.Tensor, b int) error {
	if mean.Dims() != 2 || mean.Dim(0) != b || mean.Dim(1) != t.act {
		return fmt.Errorf("ppo: the policy's mean has shape %v, want (%d, %d)", mean.Shape(), b, t.act)
	}
	ls := logStd.Shape()
	if !(len(ls) == 1 && ls[0] == t.act) && !(len(ls) == 2 && ls[0] == b && ls[1] == t.act) {
		return fmt.Errorf("ppo: the policy's logStd has shape %v, want (%d) or (%d, %d)", ls, t.act, b, t.act)
	}
	return nil
}

// sample draws actions for the observation rows obs from the policy (no
// graph) and returns them, unclipped, with their log-probabilities.
func (t *Trainer) sample(obs [][]float64) (acts [][]float64, logp []float64, err error) {
	b := len(obs)
	mu, ls, err := distributionValues(t.Policy, t.inferArn, t.pdt, obs, t.obsSize, t.act)
	if err != nil {
		return nil, nil, err
	}
	acts, logp = make([][]float64, b), make([]float64, b)
	for i := range b {
		row := make([]float64, t.act)
		lp := 0.0
		for j := range t.act {
			s := ls[j]
			if len(ls) > t.act {
				s = ls[i*t.act+j]
			}
			eps := t.rng.Normal()
			row[j] = mu[i*t.act+j] + math.Exp(s)*eps
			lp += -0.5*eps*eps - s - 0.5*log2Pi
		}
		acts[i], logp[i] = row, lp
	}
	return acts, logp, nil
}

// distributionValues evaluates the policy on the observation rows in a
// no-grad arena and returns the means (B·A values) and the log standard
// deviations (A or B·A values).
func distributionValues(p Policy, a *tensor.Arena, dt tensor.DType, obs [][]float64, obsSize, act int) (mu, ls []float64, err error) {
	b := len(obs)
	flat := make([]float64, 0, b*obsSize)
	for i, o := range obs {
		if len(o) != obsSize {
			return nil, nil, fmt.Errorf("ppo: observation %d has %d entries, want ObservationSize() = %d", i, len(o), obsSize)
		}
		flat = append(flat, o...)
	}
	defer a.Reset()
	mean, logStd := p.Distribution(a.Use(fromValues(dt, flat, b, obsSize)))
	if mean.Dims() != 2 || mean.Dim(0) != b || mean.Dim(1) != act {
		return nil, nil, fmt.Errorf("ppo: the policy's mean has shape %v, want (%d, %d)", mean.Shape(), b, act)
	}
	lsh := logStd.Shape()
	if !(len(lsh) == 1 && lsh[0] == act) && !(len(lsh) == 2 && lsh[0] == b && lsh[1] == act) {
		return nil, nil, fmt.Errorf("ppo: the policy's logStd has shape %v, want (%d) or (%d, %d)", lsh, act, b, act)
	}
	return mean.Values(), logStd.Values(), nil
}

// values returns V of the n observation rows in obs, evaluated without a
// graph.
func (t *Trainer) values(obs []float64, n int) ([]float64, error) {
	a := t.inferArn
	defer a.Reset()
	v := t.Value.Value(a.Use(fromValues(t.vdt, obs, n, t.obsSize)))
	if v.Dims() != 1 || v.Dim(0) != n {
		return nil, fmt.Errorf("ppo: the value function returned shape %v, want (%d)", v.Shape(), n)
	}
	return v.Values(), nil
}

// collect runs the policy in the environments for one update.
func (t *Trainer) collect(ctx context.Context) (*rollout, error) {
	c := &t.Config
	ne := len(t.envs)
	bufs := make([]rollout, ne)
	active := make([]bool, ne)
	count := make([]int, ne)
	quota := c.Steps / ne
	started := 0
	reset := func(i int) error {
		o, err := t.envs[i].Reset(t.rng.Uint64())
		if err != nil {
			return fmt.Errorf("ppo: environment %d: Reset: %w", i, err)
		}
		if len(o) != t.obsSize {
			return fmt.Errorf("ppo: environment %d: Reset returned %d observations, want ObservationSize() = %d", i, len(o), t.obsSize)
		}
		t.obs[i], t.epRet[i], t.discRet[i] = o, 0, 0
		return nil
	}
	for i := range ne {
		if c.Episodes > 0 {
			if started < c.Episodes {
				if err := reset(i); err != nil {
					return nil, err
				}
				started++
				active[i] = true
			}
			continue
		}
		if t.obs[i] == nil {
			if err := reset(i); err != nil {
				return nil, err
			}
		}
		active[i] = true
	}
	ids := make([]int, 0, ne)
	rows := make([][]float64, 0, ne)
	clipped := make([]float64, t.act)
	steps, finished := 0, 0
	for {
		if t.within != nil && steps > 0 {
			w := Within{Update: t.updates + 1, Phase: "collect", Done: steps, Total: c.Steps, Steps: steps}
			if c.Episodes > 0 {
				w.Done, w.Total = finished, c.Episodes
			}
			t.within(w)
		}
		ids, rows = ids[:0], rows[:0]
		for i := range ne {
			if active[i] {
				ids, rows = append(ids, i), append(rows, t.obs[i])
			}
		}
		if len(ids) == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		acts, logp, err := t.sample(rows)
		if err != nil {
			return nil, err
		}
		for k, i := range ids {
			b := &bufs[i]
			envs.Clamp(clipped, acts[k], t.lo, t.hi)
			next, r, done, err := t.envs[i].Step(clipped)
			if err != nil {
				return nil, fmt.Errorf("ppo: environment %d: Step: %w", i, err)
			}
			if len(next) != t.obsSize {
				return nil, fmt.Errorf("ppo: environment %d: Step returned %d observations, want ObservationSize() = %d", i, len(next), t.obsSize)
			}
			b.obs = append(b.obs, t.obs[i]...)
			b.act = append(b.act, acts[k]...)
			b.logp = append(b.logp, logp[k])
			b.rew = append(b.rew, t.learningReward(i, r, done))
			t.epRet[i] += r
			count[i]++
			steps++
			end := Continue
			switch {
			case done:
				end = Truncated
				if c.TerminalDone {
					end = Terminal
				}
				b.episodes++
				finished++
				b.episodeReturns = append(b.episodeReturns, t.epRet[i])
				t.obs[i] = nil
				if c.Episodes > 0 {
					active[i] = started < c.Episodes
					if active[i] {
						started++
					}
				} else {
					active[i] = count[i] < quota
				}
				if active[i] {
					if err := reset(i); err != nil {
						return nil, err
					}
				}
			case c.Episodes == 0 && count[i] == quota:
				end = Truncated // the rollout ends; the episode goes on next update
				t.obs[i] = next
				active[i] = false
			default:
				t.obs[i] = next
			}
			if end == Truncated {
				b.bootIdx = append(b.bootIdx, len(b.logp)-1)
				b.bootObs = append(b.bootObs, next)
			}
			b.ends = append(b.ends, end)
		}
	}
	// The environments' steps one after another.
	ro := &rollout{}
	for i := range bufs {
		b := &bufs[i]
		off := ro.len()
		ro.obs = append(ro.obs, b.obs...)
		ro.act = append(ro.act, b.act...)
		ro.logp = append(ro.logp, b.logp...)
		ro.rew = append(ro.rew, b.rew...)
		ro.ends = append(ro.ends, b.ends...)
		for k, j := range b.bootIdx {
			ro.bootIdx = append(ro.bootIdx, off+j)
			ro.bootObs = append(ro.bootObs, b.bootObs[k])
		}
		ro.episodes += b.episodes
		ro.episodeReturns = append(ro.episodeReturns, b.episodeReturns...)
	}
	return ro, nil
}

// learningReward returns the reward PPO learns from: r itself, or, with
// NormalizeRewards, r divided by the running standard deviation of
// environment i's discounted return, clipped to [−10, 10].
func (t *Trainer) learningReward(i int, r float64, done bool) float64 {
	if !t.Config.NormalizeRewards {
		return r
	}
	t.discRet[i] = t.discRet[i]*t.Config.Gamma + r
	t.rms.add(t.discRet[i])
	if done {
		t.discRet[i] = 0
	}
	return min(max(r/math.Sqrt(t.rms.variance()+1e-8), -10), 10)
}

// runningStat is a running mean and variance (Chan et al.'s parallel
// update), started as gym's RunningMeanStd with mean 0, variance 1 and a
// tiny count.
type runningStat struct{ count, mean, m2 float64 }

func newRunningStat() runningStat { return runningStat{count: 1e-4, m2: 1e-4} }

func (s *runningStat) add(x float64) {
	s.count++
	d := x - s.mean
	s.mean += d / s.count
	s.m2 += d * (x - s.mean)
}

func (s *runningStat) variance() float64 { return s.m2 / s.count }

// Evaluate runs episodes episodes of env with the policy's mean action
// (clipped to the bounds), the i-th started with the i-th draw of an RNG
// seeded with seed, and returns their undiscounted returns. It stops with
// ctx's error when ctx is done.
func Evaluate(ctx context.Context, env envs.Env, policy Policy, episodes int, seed uint64) ([]float64, error) {
	if episodes < 1 {
		return nil, fmt.Errorf("ppo: Evaluate: episodes = %d, want ≥ 1", episodes)
	}
	if env == nil || policy == nil {
		return nil, errors.New("ppo: Evaluate: env and policy must not be nil")
	}
	lo, hi := env.ActionBounds()
	obsSize, act := env.ObservationSize(), env.ActionSize()
	dt := dtypeOf(policy.Params())
	a := tensor.NewNoGradArena()
	rng := tensor.NewRNG(seed)
	returns := make([]float64, episodes)
	u := make([]float64, act)
	for e := range returns {
		obs, err := env.Reset(rng.Uint64())
		if err != nil {
			return returns[:e], err
		}
		for done := false; !done; {
			if err := ctx.Err(); err != nil {
				return returns[:e], err
			}
			mu, _, err := distributionValues(policy, a, dt, [][]float64{obs}, obsSize, act)
			if err != nil {
				return returns[:e], err
			}
			var r float64
			obs, r, done, err = env.Step(envs.Clamp(u, mu, lo, hi))
			if err != nil {
				return returns[:e], err
			}
			returns[e] += r
		}
	}
	return returns, nil
}

// fromValues returns a tensor of dtype dt and the given shape holding vals.
func fromValues(dt tensor.DType, vals []float64, shape ...int) *tensor.Tensor {
	if dt == tensor.Float32 {
		v := make([]float32, len(vals))
		for i, x := range vals {
			v[i] = float32(x)
		}
		return tensor.New32(v, shape...)
	}
	return tensor.New(append([]float64(nil), vals...), shape...)
}

func dtypeOf(ps []*tensor.Tensor) tensor.DType {
	if len(ps) > 0 {
		return ps[0].DType()
	}
	return tensor.Float64
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func variance(x []float64) float64 {
	m, s := mean(x), 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x))
}

func stdUnbiased(x []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	return math.Sqrt(variance(x) * float64(len(x)) / float64(len(x)-1))
}

// explainedVariance returns 1 − Var(ret − v)/Var(ret) (NaN when the returns
// do not vary).
func explainedVariance(v, ret []float64) float64 {
	vr := variance(ret)
	if vr == 0 {
		return math.NaN()
	}
	d := make([]float64, len(v))
	for i := range v {
		d[i] = ret[i] - v[i]
	}
	return 1 - variance(d)/vr
}
