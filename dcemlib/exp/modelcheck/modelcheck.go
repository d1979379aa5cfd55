// Package modelcheck separates a learned world model's errors from its
// planner's: given a phase-1 checkpoint (package planet), it plays noiseless
// episodes with full-space CEM in the model and measures, decision by
// decision, what the model expected of the chosen plan, what the true
// simulator gives for the same plan played open loop from the same state,
// and whether the model ranks candidate plans as the simulator does. It also
// measures the model's open-loop prediction errors at every step of the
// horizon, along the planner's own episodes and along the replay buffer's
// training and random episodes.
//
// A model that is right where the planner goes but ranks candidates poorly
// points at the model's coverage; a model whose predicted returns of chosen
// plans exceed their true returns is being exploited by the planner; a
// planner that does badly on the true simulator too (truesim with ColdStart)
// points at the planner's budget.
package modelcheck

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/internal/seedtag"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs/dmc"
)

// Config sets a check.
type Config struct {
	// Planners are the full-space CEM planners played in the model, each
	// for Episodes noiseless episodes (empty: the run's own planner).
	Planners []control.CEMPlanner
	// Episodes per planner (≥ 1); Steps decisions per episode (0: whole
	// episodes).
	Episodes, Steps int
	// Rollouts imagined rollouts with sampled states average the model's
	// expected return of a plan (≥ 1).
	Rollouts int
	// RankEvery, if positive, compares the model's and the simulator's
	// returns of RankCandidates plans every RankEvery decisions: the
	// chosen plan perturbed by N(0, RankStd²) noise and clipped, and as
	// many uniform random plans.
	RankEvery, RankCandidates int
	RankStd                   float64
	// ReplayEpisodes is the number of the replay buffer's last training
	// episodes (and of its first seed episodes) whose open-loop errors are
	// measured (≥ 0).
	ReplayEpisodes int
	// Seed seeds the episodes, the planner, the filter and the rollouts.
	Seed uint64
	// Workers imagine candidates and simulate plans (≥ 1).
	Workers int
	// MeanStates makes the planner imagine with the prior's means instead
	// of sampled states (rssm.Imagination.SetMeanStates).
	MeanStates bool `json:",omitempty"`
	// Retrain, if set, trains a model on the checkpoint's replay buffer
	// first and checks that model instead of the checkpoint's.
	Retrain *Retrain `json:",omitempty"`
}

// Default returns a check of one whole episode with each of the given
// planners, ranks every 10 decisions over 100 + 100 candidates, and the
// open-loop errors of 5 replay episodes of each kind.
func Default(planners ...control.CEMPlanner) Config {
	return Config{Planners: planners, Episodes: 1, Rollouts: 8, RankEvery: 10, RankCandidates: 100,
		RankStd: 0.3, ReplayEpisodes: 5, Workers: 2}
}

// Validate returns an error naming the first setting out of range.
func (c Config) Validate() error {
	for i, p := range c.Planners {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("modelcheck: Config.Planners[%d]: %w", i, err)
		}
	}
	switch {
	case c.Episodes < 1:
		return fmt.Errorf("modelcheck: Config.Episodes = %d, want ≥ 1", c.Episodes)
	case c.Steps < 0:
		return fmt.Errorf("modelcheck: Config.Steps = %d, want ≥ 0 (0: whole episodes)", c.Steps)
	case c.Rollouts < 1:
		return fmt.Errorf("modelcheck: Config.Rollouts = %d, want ≥ 1", c.Rollouts)
	case c.RankEvery < 0:
		return fmt.Errorf("modelcheck: Config.RankEvery = %d, want ≥ 0", c.RankEvery)
	case c.RankEvery > 0 && c.RankCandidates < 2:
		return fmt.Errorf("modelcheck: Config.RankCandidates = %d, want ≥ 2", c.RankCandidates)
	case c.RankEvery > 0 && !(c.RankStd > 0):
		return fmt.Errorf("modelcheck: Config.RankStd = %g, want > 0", c.RankStd)
	case c.ReplayEpisodes < 0:
		return fmt.Errorf("modelcheck: Config.ReplayEpisodes = %d, want ≥ 0", c.ReplayEpisodes)
	case c.Workers < 1:
		return fmt.Errorf("modelcheck: Config.Workers = %d, want ≥ 1", c.Workers)
	}
	return nil
}

// Decision is one decision of a played episode.
type Decision struct {
	Step int `json:"step"`
	// Predicted is the model's expected return of the chosen plan (mean of
	// Rollouts sampled rollouts); TrueOpenLoop the simulator's return of
	// the same plan played open loop from the same state; Realized the
	// rewards the episode then gave over the plan's horizon (replanning at
	// every step; 0 near the episode's end, where Complete is false).
	Predicted    float64 `json:"predicted"`
	TrueOpenLoop float64 `json:"true_open_loop"`
	Realized     float64 `json:"realized"`
	Complete     bool    `json:"complete"`
	// Rank holds the ranking check of this decision, if it had one.
	Rank *Rank `json:"rank,omitempty"`
}

// Rank compares the model's and the simulator's returns of one decision's
// candidate plans.
type Rank struct {
	// Spearman is the rank correlation of the model's and the simulator's
	// returns over the perturbed candidates, and SpearmanRandom over the
	// uniform random ones, with the model's stochastic states sampled as
	// the planner samples them; SpearmanMean and SpearmanRandomMean with
	// the states at the prior's means.
	Spearman, SpearmanRandom         float64
	SpearmanMean, SpearmanRandomMean float64
	// Regret is the simulator's best return among all candidates minus
	// the simulator's return of the candidate the model rates best.
	Regret float64
	// BestTrue and ChosenTrue are those two returns.
	BestTrue, ChosenTrue float64
}

// PlannerResult is what one planner did in the model.
type PlannerResult struct {
	Planner control.CEMPlanner `json:"planner"`
	// Returns are the episodes' returns over the decisions played.
	Returns   []float64    `json:"returns"`
	Decisions [][]Decision `json:"decisions"`
	// Means over the episodes' decisions (complete ones for Realized).
	Predicted, TrueOpenLoop, Realized float64
	// Spearman, SpearmanRandom, their Mean variants and Regret are means
	// over ranked decisions.
	Spearman, SpearmanRandom, SpearmanMean, SpearmanRandomMean, Regret float64
	// Errors are the open-loop prediction errors along these episodes.
	Errors Errors `json:"errors"`
}

// Errors are open-loop prediction errors by step of the horizon: from the
// filtered belief at each step of an episode, the model predicts the next
// Horizon steps from the actions taken (stochastic states at the prior's
// mean), against what happened.
type Errors struct {
	// Starts is the number of start points averaged.
	Starts int `json:"starts"`
	// RewardRMSE[j] is the root mean squared error of the predicted reward
	// j+1 steps ahead; ObsNMSE[j] the mean over observation dimensions of
	// the squared error divided by the dimension's variance in the replay
	// buffer (1 is as bad as predicting the mean); ReturnBias the mean of
	// predicted minus true return over the whole horizon.
	RewardRMSE []float64 `json:"reward_rmse"`
	ObsNMSE    []float64 `json:"obs_nmse"`
	ReturnBias float64   `json:"return_bias"`
}

// Result is a check's outcome.
type Result struct {
	Task string `json:"task"`
	// EnvSteps is the checkpoint's training steps.
	EnvSteps int             `json:"env_steps"`
	Planners []PlannerResult `json:"planners"`
	// ReplayTrain and ReplaySeed are the open-loop errors along the
	// replay buffer's last training episodes and its random seed episodes.
	ReplayTrain Errors `json:"replay_train"`
	ReplaySeed  Errors `json:"replay_seed"`
	// ObsStd is each observation dimension's standard deviation in the
	// replay buffer.
	ObsStd []float64 `json:"obs_std"`
	// Retrain is the setting and the final losses of the model trained
	// again, if Config.Retrain was set.
	Retrain    *Retrain    `json:"retrain,omitempty"`
	RetrainLog *RetrainLog `json:"retrain_log,omitempty"`
}

// Run checks the model in checkpoint as the package describes. progress, if
// set, is called with a line of text after every episode and phase.
func Run(ctx context.Context, checkpoint string, cfg Config, progress func(string)) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(string) {}
	}
	res0, err := planet.LoadResult(checkpoint)
	if err != nil {
		return nil, err
	}
	run := res0.Config
	m, err := planet.LoadModel(checkpoint)
	if err != nil {
		return nil, err
	}
	replay, err := planet.LoadReplay(checkpoint)
	if err != nil {
		return nil, err
	}
	if len(cfg.Planners) == 0 {
		cfg.Planners = []control.CEMPlanner{run.Planner}
	}
	out := &Result{Task: run.Task, EnvSteps: res0.EnvSteps, ObsStd: replay.ObsStd()}
	if cfg.Retrain != nil {
		m2, log, err := retrain(ctx, run, m, replay, *cfg.Retrain, cfg.Workers, progress)
		if err != nil {
			return nil, err
		}
		m = m2
		out.Retrain, out.RetrainLog = cfg.Retrain, &log
	}
	variance := make([]float64, len(out.ObsStd))
	for i, s := range out.ObsStd {
		variance[i] = math.Max(s*s, 1e-12)
	}
	horizon := cfg.Planners[0].Horizon

	var seedEps, trainEps []rssm.Episode
	for i, e := range replay.Episodes {
		if i < run.SeedEpisodes && len(seedEps) < cfg.ReplayEpisodes {
			seedEps = append(seedEps, e)
		}
	}
	if n := len(replay.Episodes); n > run.SeedEpisodes {
		from := max(run.SeedEpisodes, n-cfg.ReplayEpisodes)
		trainEps = replay.Episodes[from:]
	}
	if out.ReplayTrain, err = episodeErrors(m, trainEps, horizon, variance, cfg.Seed); err != nil {
		return nil, err
	}
	if out.ReplaySeed, err = episodeErrors(m, seedEps, horizon, variance, cfg.Seed); err != nil {
		return nil, err
	}
	progress(fmt.Sprintf("replay errors: train reward RMSE@1 %.3f @%d %.3f; seed @1 %.3f",
		first(out.ReplayTrain.RewardRMSE), horizon, last(out.ReplayTrain.RewardRMSE), first(out.ReplaySeed.RewardRMSE)))

	for pi, p := range cfg.Planners {
		pr, err := playPlanner(ctx, run, m, p, cfg, pi, variance, progress)
		if err != nil {
			return nil, err
		}
		out.Planners = append(out.Planners, *pr)
	}
	return out, nil
}

func first(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return v[0]
}

func last(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return v[len(v)-1]
}

// trajectory is a played or stored episode with the filtered beliefs:
// beliefs[t] is the belief after observing step t.
type trajectory struct {
	obs, actions [][]float64 // actions[t] led to obs[t] (zero at t = 0)
	rewards      []float64   // rewards[t] came with obs[t]
	h, s         [][]float64
}

// filterEpisode filters a stored episode with the model.
func filterEpisode(m *rssm.Model, e rssm.Episode, seed uint64) (*trajectory, error) {
	O, A := m.ObsSize, m.ActionSize
	tr := &trajectory{}
	f := m.NewFilter(seed)
	for t := range e.Len() {
		o := make([]float64, O)
		a := make([]float64, A)
		for i := range o {
			o[i] = float64(e.Obs[t*O+i])
		}
		for i := range a {
			a[i] = float64(e.Actions[t*A+i])
		}
		var act []float64
		if t > 0 {
			act = a
		}
		if err := f.Observe(o, act); err != nil {
			return nil, err
		}
		h, s := f.Belief()
		tr.obs, tr.actions, tr.rewards = append(tr.obs, o), append(tr.actions, a), append(tr.rewards, float64(e.Rewards[t]))
		tr.h, tr.s = append(tr.h, h), append(tr.s, s)
	}
	return tr, nil
}

// episodeErrors filters each episode and measures its open-loop errors.
func episodeErrors(m *rssm.Model, eps []rssm.Episode, horizon int, variance []float64, seed uint64) (Errors, error) {
	var trs []*trajectory
	for i, e := range eps {
		tr, err := filterEpisode(m, e, seed+uint64(i))
		if err != nil {
			return Errors{}, err
		}
		trs = append(trs, tr)
	}
	return openLoopErrors(m, trs, horizon, variance), nil
}

// openLoopErrors predicts, from every step t of each trajectory with t +
// horizon steps after it, the next horizon steps from the actions taken,
// in one batch per trajectory.
func openLoopErrors(m *rssm.Model, trs []*trajectory, horizon int, variance []float64) Errors {
	e := Errors{RewardRMSE: make([]float64, horizon), ObsNMSE: make([]float64, horizon)}
	O, A, D, S := m.ObsSize, m.ActionSize, m.BeliefSize, m.StateSize
	ar := tensor.NewNoGradArena()
	defer ar.Free()
	var bias float64
	for _, tr := range trs {
		n := len(tr.obs) - horizon
		if n < 1 {
			continue
		}
		hb, sb := make([]float64, n*D), make([]float64, n*S)
		for i := range n {
			copy(hb[i*D:], tr.h[i])
			copy(sb[i*S:], tr.s[i])
		}
		use := func(v []float64, cols int) *tensor.Tensor {
			return ar.Use(tensor.New(v, n, cols).To(m.DType()))
		}
		h, s := use(hb, D), use(sb, S)
		predRet := make([]float64, n)
		for j := range horizon {
			ab := make([]float64, n*A)
			for i := range n {
				copy(ab[i*A:], tr.actions[i+j+1])
			}
			h = m.Transition(s, use(ab, A), h)
			s, _ = m.Prior(h)
			feat := m.Features(h, s)
			po, pr := m.PredictObs(feat).Values(), m.PredictReward(feat).Values()
			for i := range n {
				d := pr[i] - tr.rewards[i+j+1]
				e.RewardRMSE[j] += d * d
				predRet[i] += pr[i] - tr.rewards[i+j+1]
				var se float64
				for k := range O {
					d := po[i*O+k] - tr.obs[i+j+1][k]
					se += d * d / variance[k]
				}
				e.ObsNMSE[j] += se / float64(O)
			}
			hv, sv := h.Values(), s.Values()
			ar.Reset()
			h, s = use(hv, D), use(sv, S)
		}
		for _, v := range predRet {
			bias += v
		}
		e.Starts += n
	}
	if e.Starts == 0 {
		return Errors{}
	}
	for j := range horizon {
		e.RewardRMSE[j] = math.Sqrt(e.RewardRMSE[j] / float64(e.Starts))
		e.ObsNMSE[j] /= float64(e.Starts)
	}
	e.ReturnBias = bias / float64(e.Starts)
	return e
}

// playPlanner plays cfg.Episodes noiseless episodes with planner p in the
// model and measures each decision.
func playPlanner(ctx context.Context, run planet.Config, m *rssm.Model, p control.CEMPlanner, cfg Config, pi int,
	variance []float64, progress func(string)) (*PlannerResult, error) {
	env, err := dmc.New(run.Task)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	sim, err := dmc.NewPlanner(env, cfg.Workers, run.ActionRepeat)
	if err != nil {
		return nil, err
	}
	defer sim.Close()
	truth := dmc.SimModel{Planner: sim, From: env}
	im, err := m.NewImagination(cfg.Workers, cfg.Seed^seedtag.Imagine)
	if err != nil {
		return nil, err
	}
	defer im.Free()
	im.SetMeanStates(cfg.MeanStates)
	A := env.ActionSize()
	H := p.Horizon
	steps := cfg.Steps
	if steps == 0 {
		steps = run.EpisodeSteps / run.ActionRepeat
	}
	pr := &PlannerResult{Planner: p}
	var trs []*trajectory
	var nPred, nReal, nRank float64
	for ep := range cfg.Episodes {
		epSeed := cfg.Seed + uint64(1000*pi+ep)
		rng := tensor.NewRNG(epSeed ^ seedtag.Rank)
		obs, err := env.Reset(epSeed)
		if err != nil {
			return nil, err
		}
		f := m.NewFilter(epSeed ^ seedtag.Filt)
		if err := f.Observe(obs, nil); err != nil {
			return nil, err
		}
		tr := &trajectory{obs: [][]float64{obs}, actions: [][]float64{make([]float64, A)}, rewards: []float64{0}}
		h, s := f.Belief()
		tr.h, tr.s = [][]float64{h}, [][]float64{s}
		var decs []Decision
		ret := 0.0
		for step := range steps {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := im.SetStart(h, s); err != nil {
				return nil, err
			}
			plan, err := p.Plan(ctx, im, epSeed*7919+uint64(step))
			if err != nil {
				return nil, err
			}
			d := Decision{Step: step}
			rep := make([]float32, cfg.Rollouts*len(plan))
			for r := range cfg.Rollouts {
				copy(rep[r*len(plan):], plan)
			}
			rets := make([]float32, cfg.Rollouts)
			if err := im.PredictReturns(ctx, rep, cfg.Rollouts, H, rets); err != nil {
				return nil, err
			}
			for _, v := range rets {
				d.Predicted += float64(v) / float64(cfg.Rollouts)
			}
			one := make([]float32, 1)
			if err := truth.PredictReturns(ctx, plan, 1, H, one); err != nil {
				return nil, err
			}
			d.TrueOpenLoop = float64(one[0])
			if cfg.RankEvery > 0 && step%cfg.RankEvery == 0 {
				rk, err := rank(ctx, im, truth, plan, H, A, cfg, p, rng)
				if err != nil {
					return nil, err
				}
				d.Rank = rk
			}
			action := make([]float64, A)
			for i := range action {
				action[i] = math.Max(p.Lower, math.Min(p.Upper, float64(plan[i])))
			}
			next, r, done, err := stepRepeat(env, action, run.ActionRepeat)
			if err != nil {
				return nil, err
			}
			ret += r
			if err := f.Observe(next, action); err != nil {
				return nil, err
			}
			h, s = f.Belief()
			tr.obs, tr.actions, tr.rewards = append(tr.obs, next), append(tr.actions, action), append(tr.rewards, r)
			tr.h, tr.s = append(tr.h, h), append(tr.s, s)
			decs = append(decs, d)
			if done {
				break
			}
		}
		// Realized: the rewards of the next H steps after each decision.
		for i := range decs {
			if i+H < len(tr.rewards) {
				for _, r := range tr.rewards[i+1 : i+1+H] {
					decs[i].Realized += r
				}
				decs[i].Complete = true
			}
		}
		for _, d := range decs {
			pr.Predicted += d.Predicted
			pr.TrueOpenLoop += d.TrueOpenLoop
			nPred++
			if d.Complete {
				pr.Realized += d.Realized
				nReal++
			}
			if d.Rank != nil {
				pr.Spearman += d.Rank.Spearman
				pr.SpearmanRandom += d.Rank.SpearmanRandom
				pr.SpearmanMean += d.Rank.SpearmanMean
				pr.SpearmanRandomMean += d.Rank.SpearmanRandomMean
				pr.Regret += d.Rank.Regret
				nRank++
			}
		}
		pr.Returns = append(pr.Returns, ret)
		pr.Decisions = append(pr.Decisions, decs)
		trs = append(trs, tr)
		progress(fmt.Sprintf("planner %d×%d/%d: episode %d return %.1f", p.Candidates, p.Iterations, p.Elites, ep, ret))
	}
	pr.Predicted /= math.Max(nPred, 1)
	pr.TrueOpenLoop /= math.Max(nPred, 1)
	pr.Realized /= math.Max(nReal, 1)
	if nRank > 0 {
		pr.Spearman /= nRank
		pr.SpearmanRandom /= nRank
		pr.SpearmanMean /= nRank
		pr.SpearmanRandomMean /= nRank
		pr.Regret /= nRank
	}
	pr.Errors = openLoopErrors(m, trs, H, variance)
	return pr, nil
}

// stepRepeat applies the action rep times and sums the rewards.
func stepRepeat(env *dmc.Env, action []float64, rep int) ([]float64, float64, bool, error) {
	var obs []float64
	sum := 0.0
	for range rep {
		o, r, done, err := env.Step(action)
		if err != nil {
			return nil, sum, true, err
		}
		obs = o
		sum += r
		if done {
			return obs, sum, true, nil
		}
	}
	return obs, sum, false, nil
}

// rank scores RankCandidates perturbations of plan and as many uniform
// random plans with the model and the simulator.
func rank(ctx context.Context, im *rssm.Imagination, truth dmc.SimModel, plan []float32, H, A int, cfg Config,
	p control.CEMPlanner, rng *tensor.RNG) (*Rank, error) {
	k := cfg.RankCandidates
	n := len(plan)
	cands := make([]float32, 2*k*n)
	for c := range k {
		for i := range n {
			v := float64(plan[i]) + cfg.RankStd*rng.Normal()
			cands[c*n+i] = float32(math.Max(p.Lower, math.Min(p.Upper, v)))
		}
	}
	for c := k; c < 2*k; c++ {
		for i := range n {
			cands[c*n+i] = float32(p.Lower + (p.Upper-p.Lower)*rng.Uniform())
		}
	}
	model := make([]float32, 2*k)
	im.SetMeanStates(false)
	if err := im.PredictReturns(ctx, cands, 2*k, H, model); err != nil {
		im.SetMeanStates(cfg.MeanStates)
		return nil, err
	}
	truth32 := make([]float32, 2*k)
	if err := truth.PredictReturns(ctx, cands, 2*k, H, truth32); err != nil {
		return nil, err
	}
	im.SetMeanStates(true)
	meanModel := make([]float32, 2*k)
	err := im.PredictReturns(ctx, cands, 2*k, H, meanModel)
	im.SetMeanStates(cfg.MeanStates)
	if err != nil {
		return nil, err
	}
	mv, tv, mm := to64(model), to64(truth32), to64(meanModel)
	// A constant side (a model that predicts the same return for every
	// candidate) has no rank correlation: it counts as 0.
	r := &Rank{Spearman: orZero(Spearman(mv[:k], tv[:k])), SpearmanRandom: orZero(Spearman(mv[k:], tv[k:])),
		SpearmanMean: orZero(Spearman(mm[:k], tv[:k])), SpearmanRandomMean: orZero(Spearman(mm[k:], tv[k:]))}
	best, chosen := math.Inf(-1), 0
	for i, v := range tv {
		best = math.Max(best, v)
		if mv[i] > mv[chosen] {
			chosen = i
		}
	}
	r.BestTrue, r.ChosenTrue = best, tv[chosen]
	r.Regret = best - tv[chosen]
	return r, nil
}

func orZero(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Spearman returns the rank correlation of x and y (ties get their mean
// rank), NaN when either is constant or they differ in length.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) || len(x) < 2 {
		return math.NaN()
	}
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var sxy, sxx, syy float64
	for i := range rx {
		a, b := rx[i]-mx, ry[i]-my
		sxy += a * b
		sxx += a * a
		syy += b * b
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}
