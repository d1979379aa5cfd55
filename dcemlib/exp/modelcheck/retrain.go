package modelcheck

import (
	"context"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/internal/seedtag"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Retrain trains a model again on a checkpoint's replay buffer before the
// check, with other loss settings: the data held fixed, so that two
// settings compare on the same experience (an offline ablation).
type Retrain struct {
	// Updates is the number of model updates (≥ 1), with the run's batch,
	// optimizer and clip settings and a fresh optimizer.
	Updates int
	// Fresh starts from new parameters instead of the checkpoint's.
	Fresh bool
	// Model is the model's loss settings (FreeNats, KLBalance,
	// RewardScale; its sizes must be the run's).
	Model rssm.Config
	// Seed seeds the fresh parameters, the batches and the loss's samples.
	Seed uint64
	// NormalizeObs gives the retrained model an observation scale from
	// the replay's seed episodes (planet.Config.NormalizeObs); otherwise it
	// keeps the checkpoint model's.
	NormalizeObs bool `json:",omitempty"`
}

// RetrainLog is the mean loss of the last tenth of a Retrain's updates.
type RetrainLog struct {
	Updates                      int
	Total, ObsNLL, RewardNLL, KL float64
}

// retrain trains m (or a fresh model of run's sizes) on replay as rt says
// and returns the model trained.
func retrain(ctx context.Context, run planet.Config, m *rssm.Model, replay *rssm.Replay, rt Retrain,
	workers int, progress func(string)) (*rssm.Model, RetrainLog, error) {
	var log RetrainLog
	if rt.Updates < 1 {
		return nil, log, fmt.Errorf("modelcheck: Retrain.Updates = %d, want ≥ 1", rt.Updates)
	}
	mc := rt.Model
	mc.ObsSize, mc.ActionSize = m.ObsSize, m.ActionSize
	if mc.StateSize != m.StateSize || mc.BeliefSize != m.BeliefSize || mc.HiddenSize != m.HiddenSize || mc.EmbedSize != m.EmbedSize {
		return nil, log, fmt.Errorf("modelcheck: Retrain.Model has other sizes than the checkpoint's model")
	}
	fresh, err := rssm.New(mc, tensor.Float32, tensor.NewRNG(rt.Seed^seedtag.Model))
	if err != nil {
		return nil, log, fmt.Errorf("modelcheck: Retrain.Model: %w", err)
	}
	if !rt.Fresh {
		for i, p := range fresh.Params() {
			copy(p.Data32(), m.Params()[i].Data32())
		}
	}
	scale := m.ObsScale
	if rt.NormalizeObs {
		seeds := &rssm.Replay{ObsSize: replay.ObsSize, ActionSize: replay.ActionSize,
			Episodes: replay.Episodes[:min(run.SeedEpisodes, len(replay.Episodes))]}
		scale = planet.ObsScale(seeds)
	}
	if err := fresh.SetObsScale(scale); err != nil {
		return nil, log, fmt.Errorf("modelcheck: %w", err)
	}
	params := fresh.Params()
	opt := nn.NewAdam(params, run.LearningRate)
	opt.Eps = run.AdamEps
	rng := tensor.NewRNG(rt.Seed ^ seedtag.Train)
	arena := tensor.NewArena()
	defer arena.Free()
	prev := tensor.BLASThreads()
	tensor.SetBLASThreads(workers)
	defer tensor.SetBLASThreads(prev)
	tail := max(1, rt.Updates/10)
	for i := range rt.Updates {
		if err := ctx.Err(); err != nil {
			return nil, log, err
		}
		b, err := replay.Sample(run.BatchSize, run.ChunkLength, tensor.Float32, rng)
		if err != nil {
			return nil, log, err
		}
		b = rssm.Batch{Obs: arena.Use(b.Obs), Actions: arena.Use(b.Actions), Rewards: arena.Use(b.Rewards)}
		l, err := fresh.Loss(b, rng)
		if err != nil {
			arena.Reset()
			return nil, log, err
		}
		total := l.Total.Item()
		if math.IsNaN(total) || math.IsInf(total, 0) {
			arena.Reset()
			return nil, log, fmt.Errorf("modelcheck: retrain update %d: the loss is %g", i, total)
		}
		l.Total.Backward()
		arena.Reset()
		nn.ClipGradNorm(params, run.GradClip)
		opt.Step()
		opt.ZeroGrad()
		if i >= rt.Updates-tail {
			log.Total += total / float64(tail)
			log.ObsNLL += l.ObsNLL / float64(tail)
			log.RewardNLL += l.RewardNLL / float64(tail)
			log.KL += l.KL / float64(tail)
		}
		if (i+1)%100 == 0 {
			progress(fmt.Sprintf("retrain: update %d/%d, loss %.3f (obs %.3f, reward %.4f, KL %.2f)", i+1, rt.Updates, total, l.ObsNLL, l.RewardNLL, l.KL))
		}
	}
	log.Updates = rt.Updates
	return fresh, log, nil
}
