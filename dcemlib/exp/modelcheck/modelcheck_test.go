package modelcheck

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestSpearmanKnownValues checks the rank correlation against values
// worked out by hand.
func TestSpearmanKnownValues(t *testing.T) {
	for _, c := range []struct {
		x, y []float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1},
		{[]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},
		// ranks (1, 2, 3, 4) and (2, 1, 4, 3): 1 − 6·4/(4·15) = 0.6
		{[]float64{1, 2, 3, 4}, []float64{5, 1, 9, 7}, 0.6},
		// a monotone transform changes nothing
		{[]float64{0.1, 5, -3, 2}, []float64{math.Exp(0.1), math.Exp(5), math.Exp(-3), math.Exp(2)}, 1},
		// ties take their mean rank: x ranks (1.5, 1.5, 3), y (1, 2, 3)
		{[]float64{1, 1, 2}, []float64{1, 2, 3}, math.Sqrt(3) / 2},
	} {
		if got := Spearman(c.x, c.y); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Spearman(%v, %v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	if v := Spearman([]float64{1, 1, 1}, []float64{1, 2, 3}); !math.IsNaN(v) {
		t.Errorf("Spearman of a constant = %v, want NaN", v)
	}
	if v := Spearman([]float64{1, 2}, []float64{1}); !math.IsNaN(v) {
		t.Errorf("Spearman of different lengths = %v, want NaN", v)
	}
}

// TestValidateNamesTheField checks the errors of bad settings.
func TestValidateNamesTheField(t *testing.T) {
	bad := control.PlaNetCEM()
	bad.Elites = bad.Candidates
	for _, c := range []struct {
		field string
		edit  func(*Config)
	}{
		{"Planners[0]", func(c *Config) { c.Planners = []control.CEMPlanner{bad} }},
		{"Episodes", func(c *Config) { c.Episodes = 0 }},
		{"Steps", func(c *Config) { c.Steps = -1 }},
		{"Rollouts", func(c *Config) { c.Rollouts = 0 }},
		{"RankCandidates", func(c *Config) { c.RankCandidates = 1 }},
		{"RankStd", func(c *Config) { c.RankStd = 0 }},
		{"ReplayEpisodes", func(c *Config) { c.ReplayEpisodes = -1 }},
		{"Workers", func(c *Config) { c.Workers = 0 }},
	} {
		cfg := Default(control.PlaNetCEM())
		c.edit(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %v, want one naming it", c.field, err)
		}
	}
	if err := Default(control.PlaNetCEM()).Validate(); err != nil {
		t.Errorf("Default: %v", err)
	}
}

// TestOpenLoopErrorsMatchOneByOne checks the batched open-loop errors
// against rssm's one-start OpenLoop on a small random model and episode:
// from each start, filtering the same observations with the same seed
// gives the same belief, and the predictions must agree.
func TestOpenLoopErrorsMatchOneByOne(t *testing.T) {
	cfg := rssm.Default(3, 2)
	cfg.StateSize, cfg.BeliefSize, cfg.HiddenSize, cfg.EmbedSize = 2, 6, 8, 5
	m, err := rssm.New(cfg, tensor.Float64, tensor.NewRNG(2))
	if err != nil {
		t.Fatal(err)
	}
	g := tensor.NewRNG(5)
	var ep rssm.Episode
	ep.Append([]float64{g.Normal(), g.Normal(), g.Normal()}, []float64{0, 0}, 0)
	for range 9 {
		ep.Append([]float64{g.Normal(), g.Normal(), g.Normal()}, []float64{2*g.Uniform() - 1, 2*g.Uniform() - 1}, g.Uniform())
	}
	const horizon, seed = 3, 7
	variance := []float64{1, 4, 0.25}
	tr, err := filterEpisode(m, ep, seed)
	if err != nil {
		t.Fatal(err)
	}
	e := openLoopErrors(m, []*trajectory{tr}, horizon, variance)
	if e.Starts != 10-horizon {
		t.Fatalf("%d starts, want %d", e.Starts, 10-horizon)
	}
	var sq [horizon]float64
	var nmse [horizon]float64
	var bias float64
	for start := 0; start < e.Starts; start++ {
		obs, acts := tr.obs[:start+1], tr.actions[:start+1+horizon]
		predObs, predRew, err := m.OpenLoop(obs, acts, seed)
		if err != nil {
			t.Fatal(err)
		}
		for j := range horizon {
			d := predRew[j] - tr.rewards[start+1+j]
			sq[j] += d * d
			bias += d
			for k := range 3 {
				d := predObs[j][k] - tr.obs[start+1+j][k]
				nmse[j] += d * d / variance[k] / 3
			}
		}
	}
	for j := range horizon {
		want := math.Sqrt(sq[j] / float64(e.Starts))
		if math.Abs(e.RewardRMSE[j]-want) > 1e-9 {
			t.Errorf("RewardRMSE[%d] = %v, one by one %v", j, e.RewardRMSE[j], want)
		}
		if w := nmse[j] / float64(e.Starts); math.Abs(e.ObsNMSE[j]-w) > 1e-9 {
			t.Errorf("ObsNMSE[%d] = %v, one by one %v", j, e.ObsNMSE[j], w)
		}
	}
	if w := bias / float64(e.Starts); math.Abs(e.ReturnBias-w) > 1e-9 {
		t.Errorf("ReturnBias = %v, one by one %v", e.ReturnBias, w)
	}
}

// TestRetrain trains a fresh model on a quick run's replay before the
// check, with and without observation scaling: the updates run, their
// losses are finite, and the scaled model's observation loss (in units of
// the seed episodes' deviations) differs from the unscaled one's.
func TestRetrain(t *testing.T) {
	ckpt := filepath.Join(t.TempDir(), "checkpoint.bin")
	run := planet.Quick("cheetah.run")
	run.Episodes = 1
	if _, err := planet.Run(context.Background(), run, planet.Options{Checkpoint: ckpt}); err != nil {
		t.Fatal(err)
	}
	obs := map[bool]float64{}
	for _, norm := range []bool{false, true} {
		cfg := Default(control.CEMPlanner{Horizon: 4, Candidates: 20, Elites: 2, Iterations: 2, InitStd: 1, Lower: -1, Upper: 1})
		cfg.Steps, cfg.RankEvery = 5, 0
		cfg.Retrain = &Retrain{Updates: 20, Fresh: true, Model: run.Model, Seed: 3, NormalizeObs: norm}
		res, err := Run(context.Background(), ckpt, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		l := res.RetrainLog
		if l == nil || l.Updates != 20 || math.IsNaN(l.Total) || l.ObsNLL <= 0 {
			t.Fatalf("NormalizeObs %v: retrain log %+v", norm, l)
		}
		obs[norm] = l.ObsNLL
	}
	if obs[false] == obs[true] {
		t.Errorf("the observation loss is %v with and without scaling: the scale did not reach the model", obs[true])
	}
	if _, err := Run(context.Background(), ckpt, Config{Planners: nil, Episodes: 1, Rollouts: 1, Workers: 1,
		Retrain: &Retrain{Updates: 0, Model: run.Model}}, nil); err == nil || !strings.Contains(err.Error(), "Updates") {
		t.Errorf("Retrain.Updates = 0: error %v, want one naming it", err)
	}
}
