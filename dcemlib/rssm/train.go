package rssm

import (
	"errors"
	"fmt"
	"sync"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// LossValues are the values of a Loss without its graph.
type LossValues struct {
	Total, ObsNLL, RewardNLL, KL float64
}

// GradientWorkers computes the gradient of a model's loss (Loss) on a
// batch with its chunks split over several goroutines, each differentiating
// its share of the chunks through its own copy of the graph: the recurrent
// loop runs on 50-row matrices whose products one BLAS thread cannot share
// out, so the chunks, not the products, are what the cores divide. Every
// worker but the first differentiates through a replica whose parameters
// share the model's values and keep their own gradients, added to the
// model's after each batch. The posterior's noise is drawn for the whole
// batch in Loss's order, so each chunk sees the samples Loss gives it, and
// the gradient equals Loss's up to floating-point rounding.
//
// On this project's 2-core machines it measured the same as Loss with two
// BLAS threads (122–129 ms against 122–136 ms for PlaNet's 50 × 50 update,
// BenchmarkUpdate50x50Workers), so the world-model runs use Loss; it is for
// machines with more cores than a 50-row product can use.
//
// A GradientWorkers belongs to one goroutine at a time; its model's
// parameters must not change during Gradient.
type GradientWorkers struct {
	m        *Model
	replicas []*Model // replicas[0] is m itself
	arenas   []*tensor.Arena
}

// NewGradientWorkers returns workers (≥ 1) goroutines for m's gradients.
func (m *Model) NewGradientWorkers(workers int) (*GradientWorkers, error) {
	if workers < 1 {
		return nil, fmt.Errorf("rssm: NewGradientWorkers: workers = %d, want ≥ 1", workers)
	}
	g := &GradientWorkers{m: m, replicas: []*Model{m}}
	for range workers - 1 {
		g.replicas = append(g.replicas, m.mapLayers(func(l *nn.Linear) *nn.Linear {
			c := *l
			c.W = l.W.Detach().RequiresGrad()
			if l.B != nil {
				c.B = l.B.Detach().RequiresGrad()
			}
			return &c
		}))
	}
	for range workers {
		g.arenas = append(g.arenas, tensor.NewArena())
	}
	return g, nil
}

// Workers returns the number of goroutines.
func (g *GradientWorkers) Workers() int { return len(g.replicas) }

// Free releases the workers' arenas.
func (g *GradientWorkers) Free() {
	for _, a := range g.arenas {
		a.Free()
	}
}

// Gradient adds the gradient of the model's loss on b (as
// Loss(b, rng).Total.Backward() would) to the gradients of the model's
// parameters and returns the loss's values. b may be on any arena or none;
// the workers copy their chunks. rng draws the posterior's noise.
func (g *GradientWorkers) Gradient(b Batch, rng *tensor.RNG) (LossValues, error) {
	m := g.m
	if err := m.check(b); err != nil {
		return LossValues{}, err
	}
	if rng == nil {
		return LossValues{}, errors.New("rssm: GradientWorkers.Gradient: rng is nil")
	}
	T, B := b.Steps()
	dt := m.DType()
	noise := make([]*tensor.Tensor, T)
	for t := range T {
		noise[t] = tensor.RandNOf(dt, rng, B, m.StateSize)
	}
	w := min(len(g.replicas), B)
	vals := make([]LossValues, w)
	errs := make([]error, w)
	var wg sync.WaitGroup
	for k := range w {
		lo, hi := k*B/w, (k+1)*B/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals[k], errs[k] = g.work(k, b, noise, lo, hi, float64(hi-lo)/float64(B))
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return LossValues{}, err
	}
	// The replicas' gradients join the model's.
	params := m.Params()
	for k := 1; k < w; k++ {
		for i, p := range g.replicas[k].Params() {
			if gr := p.Grad(); gr != nil {
				addGrad(params[i], gr)
			}
			p.ZeroGrad()
		}
	}
	var out LossValues
	for _, v := range vals {
		out.Total += v.Total
		out.ObsNLL += v.ObsNLL
		out.RewardNLL += v.RewardNLL
		out.KL += v.KL
	}
	return out, nil
}

// work differentiates the loss of chunks lo ≤ j < hi of b, weighted by
// share, on worker k, and returns its weighted values.
func (g *GradientWorkers) work(k int, b Batch, noise []*tensor.Tensor, lo, hi int, share float64) (v LossValues, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rssm: GradientWorkers: worker %d: %v", k, r)
		}
	}()
	m := g.replicas[k]
	a := g.arenas[k]
	defer a.Reset()
	T, B := b.Steps()
	n := hi - lo
	sub := Batch{Obs: a.Use(chunks(b.Obs, T, B, lo, hi, T, n, m.ObsSize)),
		Actions: a.Use(chunks(b.Actions, T, B, lo, hi, T, n, m.ActionSize)),
		Rewards: a.Use(chunks(b.Rewards, T, B, lo, hi, T, n))}
	l, err := m.lossWith(sub, func(t int) *tensor.Tensor { return chunks(noise[t], 1, B, lo, hi, n, m.StateSize) })
	if err != nil {
		return v, err
	}
	l.Total.MulScalar(share).Backward()
	return LossValues{Total: share * l.Total.Item(), ObsNLL: share * l.ObsNLL, RewardNLL: share * l.RewardNLL, KL: share * l.KL}, nil
}

// chunks copies chunks lo ≤ j < hi of x, laid out (T, B, row…), into a new
// tensor of the given shape.
func chunks(x *tensor.Tensor, T, B, lo, hi int, shape ...int) *tensor.Tensor {
	row := x.Size() / (T * B)
	n := hi - lo
	if x.DType() == tensor.Float32 {
		src, out := x.Data32(), make([]float32, 0, T*n*row)
		for t := range T {
			out = append(out, src[(t*B+lo)*row:(t*B+hi)*row]...)
		}
		return tensor.New32(out, shape...)
	}
	src, out := x.Data(), make([]float64, 0, T*n*row)
	for t := range T {
		out = append(out, src[(t*B+lo)*row:(t*B+hi)*row]...)
	}
	return tensor.New(out, shape...)
}

// addGrad adds gr to the gradient of the leaf p, through the graph: the
// gradient of sum(p ⊙ gr) with respect to p is gr.
func addGrad(p, gr *tensor.Tensor) {
	p.Mul(gr.Detach()).Sum().Backward()
}
