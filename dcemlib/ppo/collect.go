package ppo

import (
	"context"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/envs"
)

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
		acts, logp, err := t.sample(ctx, rows)
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

// sample draws actions for the observation rows obs from the policy (no
// graph) and returns them, unclipped, with their log-probabilities.
func (t *Trainer) sample(ctx context.Context, obs [][]float64) (acts [][]float64, logp []float64, err error) {
	b := len(obs)
	mu, ls, err := distributionValues(ctx, t.Policy, t.inferArn, t.pdt, obs, t.obsSize, t.act)
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
