// Package latent is phases 2 and 3 of the DCEM paper's control experiment
// (Amos & Yarats 2020, §5.2.2, app. E): an action-sequence space learned
// with DCEM in a PlaNet world model (package rssm), so that a controller
// plans with 10 times fewer samples than full-space CEM, and, because the
// controller is differentiable, fine-tuning its model-based parts with
// policy gradients.
//
// Both phases resume from checkpoints: phase 2 (RunPhase2, the world-model
// run of package planet) after every episode, phase 3 (RunPhase3 with
// Phase3Options.Checkpoint, PPO's checkpoint of package ppo) after every
// PPO update, with the evaluation of the policy before training, so that
// an interrupted run goes on where it stopped and a finished one returns
// its result without more work.
//
// TracePlans checks a controller against its model: decision by decision,
// the model's expected return of the chosen plan against the return the
// environment then gave (for latent DCEM and, through CEMPlan, full-space
// CEM), which shows a controller that exploits the model's errors.
package latent

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/internal/seedtag"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Controller is the embedded DCEM controller of the paper's phase 2: a
// decoder g_φ from a latent z to a sequence of Horizon actions in [−1, 1]
// (an ELU MLP with the paper's initialization, app. C), and DCEM in the
// latent space whose objective is the model's predicted return of the
// decoded sequence from the current belief.
type Controller struct {
	Model   *rssm.Model
	Decoder *control.Decoder
	// Solver sets the latent DCEM (the paper: 100 samples, 10 elites,
	// τ = 1, 10 iterations; iterations ablated over 3, 5 and 10).
	Solver cem.Config
	// InitStd is the latent search's initial deviation (1).
	InitStd float64
	// SampleStates, when set, imagines with samples of the prior instead
	// of its means.
	SampleStates bool
	// SharedNoise gives every start state of a batched Plan the solver
	// draws a plan from that state alone would get, so that a plan is a
	// function of its start state, the seed and the parameters, whatever
	// else is in the batch — as a policy's mean must be for PPO (the
	// controller of NewPolicy has it set). Otherwise the draws of a batch come from one stream, and
	// a state's plan depends on its place in the batch.
	SharedNoise bool
	// Recompute keeps no graph of the imagined rollouts between the forward
	// and the backward pass of a solve (tensor.Recompute): each solver
	// iteration's rollouts are imagined again when the gradient passes,
	// for about a third more compute and a fraction of the memory of a
	// decoder update. It applies with the prior's means (not with
	// SampleStates).
	Recompute bool
	// BoundPenalty, when positive, weighs a barrier against the action
	// bounds in TrainStep's objective: the decoder maximizes the predicted
	// return minus BoundPenalty·mean(−log(1 − u²)) over the plan's actions
	// u rescaled to [−1, 1], which is softplus(x) + softplus(−x) − log 4
	// of the decoder's output x before its sigmoid: 0 at the middle of the
	// range, growing like |x| towards a bound. 0 (the paper's objective)
	// leaves it out.
	BoundPenalty float64
	// Workers, when above 1, splits TrainStep's start states over that
	// many goroutines (see TrainStep), and the imagined rollouts of a
	// graph-free decision (Act, PlanSequence) likewise, as
	// full-space CEM imagines its candidates (rssm.Imagination): the
	// same predicted returns up to rounding, on as many cores. It applies
	// to a float32 model imagining with the prior's means (not
	// SampleStates) in a controller from NewController or
	// Agent.Controller; otherwise, and at 0 or 1, a decision imagines on
	// the calling goroutine. Each goroutine's matrix products use the
	// process's BLAS threads (the runs act with one).
	Workers int
	// Arena, if set, is where TrainStep makes its tensors: a gradient
	// arena (tensor.NewArena) that it resets after each step, so that the
	// graph of a batched solve — hundreds of megabytes — reuses the same
	// memory from step to step instead of touching fresh pages.
	Arena *tensor.Arena

	// imag keeps the imagination of graph-free decisions from one
	// decision to the next (nil: Workers is ignored).
	imag *imaginationCache
	// trainArenas are the arenas of TrainStep's goroutines after the
	// first (Arena).
	trainArenas *arenaSet
}

// imaginationCache holds the rssm.Imagination that graph-free decisions
// split their rollouts over, kept between decisions so that its workers'
// arenas are reused. Controllers made by one agent share one.
type imaginationCache struct {
	mu      sync.Mutex
	m       *rssm.Model
	workers int
	im      *rssm.Imagination
}

// acquire returns the cache's imagination over m with the given number of
// workers, following the prior's means, and holds it for the caller until
// release. It returns nil when another decision holds it.
func (ic *imaginationCache) acquire(m *rssm.Model, workers int) (*rssm.Imagination, error) {
	if !ic.mu.TryLock() {
		return nil, nil
	}
	if ic.im == nil || ic.m != m || ic.workers != workers {
		if ic.im != nil {
			ic.im.Free()
		}
		im, err := m.NewImagination(workers, 0)
		if err != nil {
			ic.mu.Unlock()
			return nil, err
		}
		im.SetMeanStates(true)
		ic.im, ic.m, ic.workers = im, m, workers
	}
	return ic.im, nil
}

// release ends the hold of acquire.
func (ic *imaginationCache) release() { ic.mu.Unlock() }

// PaperSolver returns the paper's latent DCEM settings: 100 samples, 10
// elites, τ = 1, 10 iterations.
func PaperSolver() cem.Config {
	return cem.Config{Samples: 100, Elites: 10, Temp: 1, Iters: 10}
}

// NewController returns a controller over model m planning horizon steps
// with a decoder from a latent of dimension latentDim through hidden ELU
// layers, initialized from rng, and the given solver settings.
func NewController(m *rssm.Model, latentDim, horizon int, hidden []int, solver cem.Config, rng *tensor.RNG) (*Controller, error) {
	if m == nil {
		return nil, errors.New("latent.NewController: model is nil")
	}
	d, err := control.NewDecoder(latentDim, horizon, m.ActionSize, hidden, -1, 1, rng)
	if err != nil {
		return nil, fmt.Errorf("latent.NewController: %w", err)
	}
	d.Net = d.Net.Convert(m.DType())
	c := &Controller{Model: m, Decoder: d, Solver: solver, InitStd: 1, imag: &imaginationCache{}}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate returns an error naming the first setting out of range.
func (c *Controller) Validate() error {
	if err := c.Solver.Validate(); err != nil {
		return fmt.Errorf("latent: Controller.Solver: %w", err)
	}
	if !(c.InitStd > 0) || math.IsInf(c.InitStd, 0) {
		return fmt.Errorf("latent: Controller.InitStd = %g, want a finite value > 0", c.InitStd)
	}
	if c.Workers < 0 {
		return fmt.Errorf("latent: Controller.Workers = %d, want ≥ 0", c.Workers)
	}
	if !(c.BoundPenalty >= 0) || math.IsInf(c.BoundPenalty, 0) {
		return fmt.Errorf("latent: Controller.BoundPenalty = %g, want a finite value ≥ 0", c.BoundPenalty)
	}
	return nil
}

// boundBarrier returns mean(softplus(x) + softplus(−x)) − log 4 of the
// decoder's pre-sigmoid outputs x for the latents z: mean(−log(1 − u²))
// of the decoded actions u rescaled to [−1, 1], without forming 1 − u².
func (c *Controller) boundBarrier(z *tensor.Tensor) *tensor.Tensor {
	x := c.Decoder.Net.Forward(z)
	return x.Softplus().Add(x.Neg().Softplus()).Mean().AddScalar(-math.Log(4))
}

// Horizon returns the number of actions a plan holds.
func (c *Controller) Horizon() int { return c.Decoder.Horizon }

// Plan solves the embedded problem max_z R(g_φ(z)) with DCEM for B start
// states (beliefs h (B, BeliefSize), states s (B, StateSize)) and returns
// the solution; Actions (B, Horizon·ActionSize) is differentiable with
// respect to the decoder and the model's transition, prior and reward
// parameters through the whole solve (the paper's eq. 8). seed draws the
// solver's samples (and the prior's, with SampleStates).
func (c *Controller) Plan(ctx context.Context, h, s *tensor.Tensor, seed uint64) (*control.LatentPlan, error) {
	return c.plan(ctx, h, s, seed, nil, nil)
}

// PlanEach is Plan with a seed per start state: the plan from state b is
// the one Plan with SharedNoise gives from that state alone and seed
// seeds[b], whatever else is in the batch. A policy whose seed is a
// function of its belief (Policy.NoisePerBelief) uses it: its mean is then
// a function of the belief, as PPO needs, while its solver draws change
// from one belief to the next, as the agent's do from one decision to the
// next. It does not combine with SampleStates.
func (c *Controller) PlanEach(ctx context.Context, h, s *tensor.Tensor, seeds []uint64) (*control.LatentPlan, error) {
	if len(seeds) != h.Dim(0) {
		return nil, fmt.Errorf("latent: Controller.PlanEach: %d seeds for %d start states, want one each", len(seeds), h.Dim(0))
	}
	if c.SampleStates {
		return nil, errors.New("latent: Controller.PlanEach: SampleStates is set; its prior samples are drawn per batch, not per start state")
	}
	return c.plan(ctx, h, s, 0, seeds, nil)
}

// sharedDraws returns the solver's draws for one start state and seed
// under SharedNoise: one (1, Samples, Latent) tensor per iteration.
func (c *Controller) sharedDraws(seed uint64) []*tensor.Tensor {
	g := tensor.NewRNG(seed ^ seedtag.Shared)
	out := make([]*tensor.Tensor, c.Solver.Iters)
	for it := range out {
		out[it] = tensor.RandNOf(c.Decoder.Net.DType(), g, 1, c.Solver.Samples, c.Decoder.Latent)
	}
	return out
}

// plan is Plan and PlanEach. With im (whose start is h and s, one row) the
// predicted returns come from im's rollouts instead, without a graph.
func (c *Controller) plan(ctx context.Context, h, s *tensor.Tensor, seed uint64, rowSeeds []uint64, im *rssm.Imagination) (*control.LatentPlan, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	B := h.Dim(0)
	S := c.Solver.Samples
	index := make([]int, B*S)
	for i := range index {
		index[i] = i / S
	}
	hx, sx := h.IndexSelect(0, index), s.IndexSelect(0, index)
	var rng *tensor.RNG
	if c.SampleStates {
		rng = tensor.NewRNG(seed ^ seedtag.Prior)
	}
	H := c.Horizon()
	cost := func(u *tensor.Tensor) *tensor.Tensor {
		return c.Model.ImagineReturns(hx, sx, u, H, rng).Neg()
	}
	if c.Recompute && rng == nil {
		imagine := func(in []*tensor.Tensor) *tensor.Tensor {
			return c.Model.ImagineReturns(in[0], in[1], in[2], H, nil).Neg()
		}
		cost = func(u *tensor.Tensor) *tensor.Tensor { return tensor.Recompute(imagine, hx, sx, u) }
	}
	var imErr error
	if im != nil {
		cost = func(u *tensor.Tensor) *tensor.Tensor {
			n := u.Dim(0)
			returns := make([]float32, n)
			if imErr == nil {
				imErr = im.PredictReturns(ctx, u.Data32(), n, H, returns)
			}
			r := tensor.New32(returns, n)
			if a := u.Arena(); a != nil {
				r = a.Use(r)
			}
			return r.Neg()
		}
	}
	cfg := c.Solver
	cfg.Seed = seed
	switch {
	case rowSeeds != nil && cfg.Noise == nil:
		// Each row's own draws, those of a solo solve with its seed.
		per := make([][]*tensor.Tensor, B)
		for b, sd := range rowSeeds {
			per[b] = c.sharedDraws(sd)
		}
		cfg.Noise = make([]*tensor.Tensor, cfg.Iters)
		rows := make([]*tensor.Tensor, B)
		for it := range cfg.Noise {
			for b := range rows {
				rows[b] = per[b][it]
			}
			cfg.Noise[it] = tensor.Concat(0, rows...)
		}
	case c.SharedNoise && cfg.Noise == nil:
		// One (S, latent) draw per iteration, the same for every row.
		rows := make([]int, B)
		cfg.Noise = c.sharedDraws(seed)
		for it := range cfg.Noise {
			cfg.Noise[it] = cfg.Noise[it].IndexSelect(0, rows)
		}
	}
	plan, err := control.PlanLatent(ctx, c.Decoder, cost, B, c.InitStd, cfg)
	if err == nil {
		err = imErr
	}
	if err != nil {
		return nil, fmt.Errorf("latent: Controller.Plan: %w", err)
	}
	return plan, nil
}

// Act returns the first action of the plan from one belief, without a
// graph (for acting in the environment).
func (c *Controller) Act(ctx context.Context, h, s []float64, seed uint64) ([]float64, error) {
	plan, err := c.PlanSequence(ctx, h, s, seed)
	if err != nil {
		return nil, err
	}
	return plan[:c.Model.ActionSize], nil
}

// PlanSequence returns the whole decoded plan from one belief (Horizon
// actions, time-major), without a graph: the PlanFunc of latent DCEM.
func (c *Controller) PlanSequence(ctx context.Context, h, s []float64, seed uint64) ([]float64, error) {
	a := tensor.NewNoGradArena()
	defer a.Free()
	dt := c.Model.DType()
	ht := a.Use(tensor.New(append([]float64(nil), h...), 1, len(h)).To(dt))
	st := a.Use(tensor.New(append([]float64(nil), s...), 1, len(s)).To(dt))
	var im *rssm.Imagination
	if c.Workers > 1 && c.imag != nil && !c.SampleStates && dt == tensor.Float32 {
		var err error
		if im, err = c.imag.acquire(c.Model, c.Workers); err != nil {
			return nil, fmt.Errorf("latent: Controller.PlanSequence: %w", err)
		}
		if im != nil {
			defer c.imag.release()
			if err := im.SetStart(h, s); err != nil {
				return nil, fmt.Errorf("latent: Controller.PlanSequence: %w", err)
			}
		}
	}
	plan, err := c.plan(ctx, ht, st, seed, nil, im)
	if err != nil {
		return nil, err
	}
	return plan.Actions.Values(), nil
}

// TrainStep is one step of the decoder's online training (the paper's
// alg. 3, DCEM branch): it draws batch start states by filtering chunks of
// chunkLength steps from the replay buffer, solves the embedded problem
// from each with DCEM, and takes a step of opt (over the decoder's
// parameters, or whichever it holds) to raise the mean predicted return of
// the solutions, differentiating through the solve and the model's
// rollout. It returns that mean predicted return before the step.
//
// With Workers above 1 (and the prior's means) the start states are split
// over that many goroutines, each solving and differentiating its share
// with one BLAS thread through a replica of the decoder (the same values,
// its own gradients; Controller.Arena's companions hold their graphs), and
// the gradients are summed before the step: the same update up to
// rounding, since each start state's solve and draws do not depend on the
// others'. The BLAS thread count is restored after the step.
func (c *Controller) TrainStep(ctx context.Context, replay *rssm.Replay, batch, chunkLength int, opt *nn.Adam, gradClip float64, rng *tensor.RNG) (float64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	b, err := replay.Sample(batch, chunkLength, c.Model.DType(), rng)
	if err != nil {
		return 0, fmt.Errorf("latent: TrainStep: %w", err)
	}
	h, s, err := c.Model.Beliefs(b, rng)
	if err != nil {
		return 0, fmt.Errorf("latent: TrainStep: %w", err)
	}
	if c.Arena != nil && c.Arena.NoGrad() {
		return 0, fmt.Errorf("latent: TrainStep: Controller.Arena is a no-grad arena; it needs gradients (tensor.NewArena)")
	}
	// The update trains the decoder alone: plan and imagine in a frozen
	// view of the model, so that the backward pass computes no gradient of
	// the model's weights.
	fc := *c
	fc.Model = c.Model.Frozen()
	seed := rng.Uint64()
	var srng *tensor.RNG
	if c.SampleStates {
		srng = rng
	}
	B := h.Dim(0)
	if c.Solver.Noise == nil && !c.SharedNoise && !c.SampleStates {
		// The solver's draws for the whole batch, so that a start state
		// gets the same ones however the batch is split.
		g := tensor.NewRNG(seed)
		fc.Solver.Noise = make([]*tensor.Tensor, c.Solver.Iters)
		for it := range fc.Solver.Noise {
			fc.Solver.Noise[it] = tensor.RandNOf(c.Model.DType(), g, B, c.Solver.Samples, c.Decoder.Latent)
		}
	}
	w := max(min(c.Workers, B), 1)
	if c.SampleStates {
		w = 1 // the prior's samples are drawn for the whole batch in turn
	}
	parts := make([]trainPart, w)
	for k := range parts {
		lo, hi := k*B/w, (k+1)*B/w
		p := &parts[k]
		p.c = fc
		p.h, p.s = h, s
		if w > 1 {
			p.h, p.s = h.Slice(0, lo, hi), s.Slice(0, lo, hi)
			if fc.Solver.Noise != nil {
				p.c.Solver.Noise = make([]*tensor.Tensor, len(fc.Solver.Noise))
				for it, e := range fc.Solver.Noise {
					p.c.Solver.Noise[it] = e.Slice(0, lo, hi)
				}
			}
		}
		p.weight = float64(hi-lo) / float64(B)
		if k > 0 {
			p.c.Decoder = replicaDecoder(c.Decoder)
		}
		p.c.Arena = c.workerArena(k)
		if p.c.Arena != nil {
			defer p.c.Arena.Reset()
			p.h, p.s = p.c.Arena.Use(p.h), p.c.Arena.Use(p.s)
		}
	}
	if w > 1 {
		prev := tensor.BLASThreads()
		tensor.SetBLASThreads(1)
		defer tensor.SetBLASThreads(prev)
	}
	parallel := func(f func(p *trainPart) error) error {
		if w == 1 {
			return f(&parts[0])
		}
		errs := make([]error, w)
		var wg sync.WaitGroup
		for k := range parts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					if r := recover(); r != nil {
						errs[k] = fmt.Errorf("latent: TrainStep: %v", r)
					}
				}()
				errs[k] = f(&parts[k])
			}()
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	// Forward: each part's mean predicted return and loss.
	if err := parallel(func(p *trainPart) error {
		plan, err := p.c.Plan(ctx, p.h, p.s, seed)
		if err != nil {
			return err
		}
		ret := p.c.Model.ImagineReturns(p.h, p.s, plan.Actions, c.Horizon(), srng).Mean()
		p.value = ret.Item()
		p.loss = ret.Neg()
		if c.BoundPenalty > 0 {
			p.loss = p.loss.Add(p.c.boundBarrier(plan.Z).MulScalar(c.BoundPenalty))
		}
		if w > 1 {
			p.loss = p.loss.MulScalar(p.weight)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	value := 0.0
	for _, p := range parts {
		value += p.weight * p.value
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return value, fmt.Errorf("latent: TrainStep: the predicted return is %g", value)
	}
	opt.ZeroGrad()
	if err := parallel(func(p *trainPart) error {
		p.loss.Backward()
		return nil
	}); err != nil {
		return 0, err
	}
	// The replicas' gradients join the decoder's.
	params := c.Decoder.Params()
	for _, p := range parts[1:] {
		for i, rp := range p.c.Decoder.Params() {
			if gr := rp.Grad(); gr != nil {
				params[i].Mul(gr.Detach()).Sum().Backward() // adds gr to params[i]'s gradient
			}
		}
	}
	if gradClip > 0 {
		nn.ClipGradNorm(opt.Params, gradClip)
	}
	opt.Step()
	// Clear what the optimizer did not take (a decoder parameter outside
	// opt), so that it does not leak into a later update.
	opt.ZeroGrad()
	nn.ZeroGrad(c.Decoder.Params())
	return value, nil
}

// trainPart is one goroutine's share of a TrainStep: its controller
// (decoder replica and arena), start states, share of the batch, and its
// predicted return and loss.
type trainPart struct {
	c      Controller
	h, s   *tensor.Tensor
	weight float64
	value  float64
	loss   *tensor.Tensor
}

// workerArena returns the arena of TrainStep's part k: Arena for the first,
// a companion of it kept between steps for the others (nil without Arena).
func (c *Controller) workerArena(k int) *tensor.Arena {
	if c.Arena == nil {
		return nil
	}
	if k == 0 {
		return c.Arena
	}
	if c.trainArenas == nil {
		c.trainArenas = &arenaSet{}
	}
	return c.trainArenas.get(k - 1)
}

// arenaSet holds TrainStep's companion arenas, kept between steps so that
// their graphs reuse the same memory. Controllers made by one agent share
// one.
type arenaSet struct {
	mu     sync.Mutex
	arenas []*tensor.Arena
}

func (as *arenaSet) get(i int) *tensor.Arena {
	as.mu.Lock()
	defer as.mu.Unlock()
	for len(as.arenas) <= i {
		as.arenas = append(as.arenas, tensor.NewArena())
	}
	return as.arenas[i]
}

// replicaDecoder returns a decoder that shares d's parameter values and
// keeps gradients of its own.
func replicaDecoder(d *control.Decoder) *control.Decoder {
	r := *d
	r.Net = &nn.MLP{Act: d.Net.Act, OutAct: d.Net.OutAct}
	for _, l := range d.Net.Layers {
		c := *l
		c.W = l.W.Detach().RequiresGrad()
		if l.B != nil {
			c.B = l.B.Detach().RequiresGrad()
		}
		r.Net.Layers = append(r.Net.Layers, &c)
	}
	return &r
}
