package latent

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs/dmc"
	"github.com/dcem-go/dcem/envs/mujoco"
)

// IterateRollouts records one latent DCEM decision from env's current
// state, whose belief under m is (h, s): for each iteration, the action
// sequence decoded from that iteration's mean, executed on the true
// simulator from the current state with the action repeat. It returns, per
// iteration, the true return of the sequence and the simulator states along
// it (one per action, fewer when the episode ends within the sequence), for
// plots and frames (the DCEM paper's figs. 14–15
// show DCEM's iterates so).
func (a *Agent) IterateRollouts(ctx context.Context, m *rssm.Model, env *dmc.Env, repeat int, h, s []float64, seed uint64) (returns []float64, states [][]mujoco.State, err error) {
	if env == nil || repeat < 1 {
		return nil, nil, errors.New("latent: IterateRollouts: env is nil or repeat < 1")
	}
	c := a.Controller(m)
	var means [][]float64
	c.Solver.Callback = func(it cem.Iterate) { means = append(means, it.Mean.Values()) }
	ar := tensor.NewNoGradArena()
	defer ar.Free()
	dt := m.DType()
	ht := ar.Use(tensor.New(append([]float64(nil), h...), 1, len(h)).To(dt))
	st := ar.Use(tensor.New(append([]float64(nil), s...), 1, len(s)).To(dt))
	if _, err := c.Plan(ctx, ht, st, seed); err != nil {
		return nil, nil, err
	}
	sim, err := env.Clone()
	if err != nil {
		return nil, nil, err
	}
	defer sim.Close()
	nu := env.ActionSize()
	for _, z := range means {
		seq := a.Decoder.Decode(ar.Use(tensor.New(z, 1, len(z)).To(dt))).Values()
		if err := sim.CopyStateFrom(env); err != nil {
			return nil, nil, err
		}
		ret := 0.0
		var path []mujoco.State
	actions:
		for t := 0; t+nu <= len(seq); t += nu {
			for range repeat {
				_, r, done, err := sim.Step(seq[t : t+nu])
				if err != nil {
					return nil, nil, fmt.Errorf("latent: IterateRollouts: %w", err)
				}
				ret += r
				if done {
					// The episode ends within this action: the
					// sequence's return stops here.
					path = append(path, sim.Data().State())
					break actions
				}
			}
			path = append(path, sim.Data().State())
		}
		returns = append(returns, ret)
		states = append(states, path)
	}
	return returns, states, nil
}

// FrameGrid lays frames out in rows (one row per slice of frames), every
// frame cell of the size of the first frame; missing cells stay white.
func FrameGrid(rows [][]image.Image) image.Image {
	var w, h, cols int
	for _, r := range rows {
		cols = max(cols, len(r))
		for _, f := range r {
			if w == 0 {
				w, h = f.Bounds().Dx(), f.Bounds().Dy()
			}
		}
	}
	if w == 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	out := image.NewRGBA(image.Rect(0, 0, cols*w, len(rows)*h))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	for j, r := range rows {
		for i, f := range r {
			draw.Draw(out, image.Rect(i*w, j*h, (i+1)*w, (j+1)*h), f, f.Bounds().Min, draw.Src)
		}
	}
	return out
}
