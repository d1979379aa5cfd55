package latent

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/ppo"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestPhase2Quick continues a quick phase-1 run with the latent DCEM agent
// and checks that it acted, learned and resumes from its checkpoint to the
// same logs.
func TestPhase2Quick(t *testing.T) {
	dir := t.TempDir()
	phase1 := filepath.Join(dir, "phase1.bin")
	if _, err := planet.Run(context.Background(), planet.Quick("cheetah.run"), planet.Options{Checkpoint: phase1}); err != nil {
		t.Fatal(err)
	}
	cfg := Phase2Quick("cheetah.run")
	var agentSteps []int
	want, agent, err := RunPhase2(context.Background(), cfg, phase1, planet.Options{Progress: func(p planet.Progress) {
		if p.Phase == "agent" {
			agentSteps = append(agentSteps, p.Step)
			if p.Steps != cfg.Agent.Steps {
				t.Errorf("agent progress: Steps %d, want %d", p.Steps, cfg.Agent.Steps)
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	// Each round of model updates reports the agent's updates 1…Steps.
	if len(agentSteps) != len(want.Losses)*cfg.Agent.Steps || len(agentSteps) == 0 || agentSteps[0] != 1 || agentSteps[len(agentSteps)-1] != cfg.Agent.Steps {
		t.Errorf("agent progress steps %v for %d rounds of %d updates", agentSteps, len(want.Losses), cfg.Agent.Steps)
	}
	if want.Cost.PerAgentRound <= 0 {
		t.Errorf("cost model: PerAgentRound %g, want > 0", want.Cost.PerAgentRound)
	}
	if want.Agent == "" || want.From != phase1 {
		t.Errorf("result does not say how it ran: agent %q, from %q", want.Agent, want.From)
	}
	// The agent learned: its decoder moved away from the initialization
	// NewAgent gives the same settings, and every round of updates has
	// its score (a finite predicted return).
	fresh, err := NewAgent(cfg.Agent, agent.Decoder.ActionDim)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for i, p := range agent.Decoder.Params() {
		if !reflect.DeepEqual(p.Values(), fresh.Decoder.Params()[i].Values()) {
			moved++
		}
	}
	if moved == 0 {
		t.Error("the agent's decoder is NewAgent's initialization: it did not learn")
	}
	if want.AgentRounds != len(want.Losses) || len(want.Losses) == 0 {
		t.Errorf("%d agent rounds for %d rounds of model updates, want one per round", want.AgentRounds, len(want.Losses))
	}
	for i, l := range want.Losses {
		if math.IsNaN(l.Agent) || math.IsInf(l.Agent, 0) || l.Agent == 0 {
			t.Errorf("round %d: the agent's score %g, want a finite predicted return", i, l.Agent)
		}
	}
	ckpt := filepath.Join(dir, "phase2.bin")
	ctx, cancel := context.WithCancel(context.Background())
	_, _, err = RunPhase2(ctx, cfg, phase1, planet.Options{Checkpoint: ckpt, Progress: func(p planet.Progress) {
		// Phase 2 keeps phase 1's replay and collects no seed episodes:
		// the second planned episode is episode 1.
		if p.Phase == "train" && p.Step == 5 && p.Episode == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	got, _, err := RunPhase2(context.Background(), cfg, phase1, planet.Options{Checkpoint: ckpt})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Losses, want.Losses) {
		t.Errorf("losses after resuming differ:\n got %+v\nwant %+v", got.Losses, want.Losses)
	}
	if _, err := planet.Run(context.Background(), cfg.World, planet.Options{Checkpoint: ckpt}); err == nil {
		t.Error("resuming an agent's checkpoint without the agent: no error")
	}
}

// TestPhase2ContinuesPhase1Loss checks that phase 2 refuses to train the
// world model with settings other than phase 1's, and that Continue copies
// them.
func TestPhase2ContinuesPhase1Loss(t *testing.T) {
	dir := t.TempDir()
	phase1 := filepath.Join(dir, "phase1.bin")
	p1 := planet.Quick("cheetah.run")
	p1.Episodes, p1.NormalizeObs, p1.Model.KLBalance = 1, true, 0.8
	if _, err := planet.Run(context.Background(), p1, planet.Options{Checkpoint: phase1}); err != nil {
		t.Fatal(err)
	}
	cfg := Phase2Quick("cheetah.run")
	_, _, err := RunPhase2(context.Background(), cfg, phase1, planet.Options{})
	if err == nil || !strings.Contains(err.Error(), "KLBalance") {
		t.Fatalf("phase 2 with another KL balance than phase 1's: %v, want an error naming KLBalance", err)
	}
	cfg.World.Model.KLBalance = 0.8
	_, _, err = RunPhase2(context.Background(), cfg, phase1, planet.Options{})
	if err == nil || !strings.Contains(err.Error(), "NormalizeObs") {
		t.Fatalf("phase 2 without phase 1's normalized observations: %v, want an error naming NormalizeObs", err)
	}
	cfg = Phase2Quick("cheetah.run")
	cfg.Continue(p1)
	if cfg.World.Model != p1.Model || !cfg.World.NormalizeObs || cfg.World.Episodes != Phase2Quick("cheetah.run").World.Episodes {
		t.Errorf("Continue: model %+v, normalized %t, %d episodes; want phase 1's model and normalization and phase 2's episodes",
			cfg.World.Model, cfg.World.NormalizeObs, cfg.World.Episodes)
	}
	if err := continuesModel(cfg.World, p1, phase1); err != nil {
		t.Errorf("after Continue: %v", err)
	}
}

// TestPhase2Budget checks that phase 2's description counts the episodes
// it collects: no seed episodes while it keeps phase 1's replay.
func TestPhase2Budget(t *testing.T) {
	c := Phase2Small("cheetah.run")
	if b := c.Budget(false); !strings.HasPrefix(b, "20 episodes of 1000 steps") {
		t.Errorf("Budget(false) = %q, want 20 episodes and no seed episodes", b)
	}
	if b := c.Budget(true); !strings.HasPrefix(b, "5+20 episodes") {
		t.Errorf("Budget(true) = %q, want the 5 seed episodes a dropped replay collects again", b)
	}
}

// TestPhase3Quick trains the phase-2 controller of a quick run with PPO
// through the DCEM solve: the update runs, reaches the parameters that are
// not frozen and leaves the frozen ones alone.
func TestPhase3Quick(t *testing.T) {
	dir := t.TempDir()
	phase1 := filepath.Join(dir, "phase1.bin")
	if _, err := planet.Run(context.Background(), planet.Quick("cheetah.run"), planet.Options{Checkpoint: phase1}); err != nil {
		t.Fatal(err)
	}
	p2 := Phase2Quick("cheetah.run")
	phase2 := filepath.Join(dir, "phase2.bin")
	if _, _, err := RunPhase2(context.Background(), p2, phase1, planet.Options{Checkpoint: phase2}); err != nil {
		t.Fatal(err)
	}
	before, err := planet.LoadModel(phase2)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Phase3Quick()
	cfg.FreezeReward = true
	last := map[string]ppo.Within{}
	res, policy, err := RunPhase3(context.Background(), cfg, phase2, p2.Agent, Phase3Options{Within: func(w ppo.Within) { last[w.Phase] = w }})
	if err != nil {
		t.Fatal(err)
	}
	for _, phase := range []string{"evaluate before", "collect", "optimize", "evaluate after"} {
		if w, ok := last[phase]; !ok || w.Done != w.Total || w.Steps == 0 {
			t.Errorf("progress of %q: last report %+v (seen: %v), want Done = Total and steps", phase, w, ok)
		}
	}
	if len(res.Train.Logs) != 1 || len(res.Before) != 1 || len(res.After) != 1 {
		t.Fatalf("%d updates, %d/%d evaluations; want 1, 1/1", len(res.Train.Logs), len(res.Before), len(res.After))
	}
	// The first minibatch sees the policy that acted: its KL is 0 up to
	// float32 rounding of the batched solve, far below what mismatched
	// means give (one minibatch's DCEM solve drawing its own samples per
	// belief gave a mean KL of ≈ 2.7 here before SharedNoise).
	if kl := res.Train.Logs[0].KL; len(kl) != 2 || !(math.Abs(kl[0]) < 1e-4) {
		t.Errorf("approximate KL of the minibatches %v in the first update, want 2 with the first < 1e-4: the policy's means differ from those it acted with", kl)
	}
	m := policy.Controller.Model
	same := func(a, b []*tensor.Tensor) bool {
		for i := range a {
			if !reflect.DeepEqual(a[i].Data32(), b[i].Data32()) {
				return false
			}
		}
		return true
	}
	if !same(m.Reward.Params(), before.Reward.Params()) {
		t.Error("the frozen reward model changed")
	}
	tb := (&Policy{Controller: &Controller{Model: before}}).TransitionParams()
	if same(policy.TransitionParams(), tb) {
		t.Error("PPO did not change the transition model")
	}
	if _, err := NewPolicy(policy.Controller, 0, false, 1); err == nil {
		t.Error("sigma 0: no error")
	}

	// With a seed per belief, too, the first minibatch's policy is the
	// one that acted.
	cfg.NoisePerBelief = true
	res, policy, err = RunPhase3(context.Background(), cfg, phase2, p2.Agent, Phase3Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !policy.NoisePerBelief {
		t.Error("Phase3Config.NoisePerBelief did not reach the policy")
	}
	if kl := res.Train.Logs[0].KL; len(kl) != 2 || !(math.Abs(kl[0]) < 1e-4) {
		t.Errorf("NoisePerBelief: approximate KL of the minibatches %v in the first update, want 2 with the first < 1e-4", kl)
	}
}

// TestPhase3Resume interrupts phase 3 after its first PPO update and
// resumes it from the checkpoint: the evaluation before training is not
// repeated, and the logs, evaluations and parameters are those of an
// uninterrupted run. A finished run's checkpoint returns its result
// without more work; checkpoints of another configuration or another
// phase-2 run are refused, damaged ones reported as corrupted.
func TestPhase3Resume(t *testing.T) {
	dir := t.TempDir()
	phase1 := filepath.Join(dir, "phase1.bin")
	if _, err := planet.Run(context.Background(), planet.Quick("cheetah.run"), planet.Options{Checkpoint: phase1}); err != nil {
		t.Fatal(err)
	}
	p2 := Phase2Quick("cheetah.run")
	phase2 := filepath.Join(dir, "phase2.bin")
	if _, _, err := RunPhase2(context.Background(), p2, phase1, planet.Options{Checkpoint: phase2}); err != nil {
		t.Fatal(err)
	}
	cfg := Phase3Quick()
	cfg.PPO.Updates = 2
	want, wantPolicy, err := RunPhase3(context.Background(), cfg, phase2, p2.Agent, Phase3Options{})
	if err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "phase3", "checkpoint.bin")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, _, err = RunPhase3(ctx, cfg, phase2, p2.Agent, Phase3Options{Checkpoint: ckpt, Progress: func(l ppo.UpdateLog) {
		if l.Update == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	var updates []int
	got, gotPolicy, err := RunPhase3(context.Background(), cfg, phase2, p2.Agent, Phase3Options{Checkpoint: ckpt, Progress: func(l ppo.UpdateLog) {
		updates = append(updates, l.Update)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(updates, []int{2}) {
		t.Errorf("the resumed run did updates %v, want [2]", updates)
	}
	zero := func(r *Phase3Result) []ppo.UpdateLog {
		logs := append([]ppo.UpdateLog(nil), r.Train.Logs...)
		for i := range logs {
			logs[i].Seconds = 0
		}
		return logs
	}
	if !reflect.DeepEqual(zero(got), zero(want)) || !reflect.DeepEqual(got.Before, want.Before) || !reflect.DeepEqual(got.After, want.After) {
		t.Errorf("resumed run differs:\n got %+v %v %v\nwant %+v %v %v", zero(got), got.Before, got.After, zero(want), want.Before, want.After)
	}
	for i, p := range gotPolicy.Params() {
		if !reflect.DeepEqual(p.Values(), wantPolicy.Params()[i].Values()) {
			t.Fatalf("policy parameter %d after resuming differs from an uninterrupted run's", i)
		}
	}

	// The finished run: its result, no more work (a done context would
	// stop any evaluation or update, that before training included).
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	again, _, err := RunPhase3(done, cfg, phase2, p2.Agent, Phase3Options{Checkpoint: ckpt})
	if err != nil {
		t.Fatalf("a finished run's checkpoint: %v", err)
	}
	if !reflect.DeepEqual(again.Train.Logs, got.Train.Logs) || !reflect.DeepEqual(again.After, got.After) || !reflect.DeepEqual(again.Before, got.Before) {
		t.Errorf("a finished run's checkpoint: %+v, want %+v", again, got)
	}

	other := cfg
	other.Sigma = 0.2
	if _, _, err := RunPhase3(context.Background(), other, phase2, p2.Agent, Phase3Options{Checkpoint: ckpt}); err == nil || !strings.Contains(err.Error(), "another configuration") {
		t.Errorf("another Phase3Config: error %v, want one saying so", err)
	}
	otherPhase2 := filepath.Join(dir, "phase2-other.bin")
	p2o := p2
	p2o.World.Seed = 7
	if _, _, err := RunPhase2(context.Background(), p2o, phase1, planet.Options{Checkpoint: otherPhase2}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := RunPhase3(context.Background(), cfg, otherPhase2, p2.Agent, Phase3Options{Checkpoint: ckpt}); err == nil || !strings.Contains(err.Error(), "another phase-2 run") {
		t.Errorf("another phase-2 run: error %v, want one saying so", err)
	}
	good, err := os.ReadFile(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ckpt, good[:len(good)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := RunPhase3(context.Background(), cfg, phase2, p2.Agent, Phase3Options{Checkpoint: ckpt}); err == nil || !strings.Contains(err.Error(), "corrupted") {
		t.Errorf("a truncated checkpoint: error %v, want one saying it is corrupted", err)
	}
}

// TestPhase3ResumeInFirstUpdate interrupts phase 3 while its first update
// collects: the evaluation before training was saved (a checkpoint before
// the first update), so the resumed run does not play it again, and its
// record is the uninterrupted run's.
func TestPhase3ResumeInFirstUpdate(t *testing.T) {
	dir := t.TempDir()
	phase1 := filepath.Join(dir, "phase1.bin")
	if _, err := planet.Run(context.Background(), planet.Quick("cheetah.run"), planet.Options{Checkpoint: phase1}); err != nil {
		t.Fatal(err)
	}
	p2 := Phase2Quick("cheetah.run")
	phase2 := filepath.Join(dir, "phase2.bin")
	if _, _, err := RunPhase2(context.Background(), p2, phase1, planet.Options{Checkpoint: phase2}); err != nil {
		t.Fatal(err)
	}
	cfg := Phase3Quick()
	want, _, err := RunPhase3(context.Background(), cfg, phase2, p2.Agent, Phase3Options{})
	if err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "phase3.bin")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, _, err = RunPhase3(ctx, cfg, phase2, p2.Agent, Phase3Options{Checkpoint: ckpt, Within: func(w ppo.Within) {
		if w.Phase == "collect" {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	phases := map[string]int{}
	got, _, err := RunPhase3(context.Background(), cfg, phase2, p2.Agent, Phase3Options{Checkpoint: ckpt, Within: func(w ppo.Within) {
		phases[w.Phase]++
	}})
	if err != nil {
		t.Fatal(err)
	}
	if phases["evaluate before"] != 0 || phases["collect"] == 0 {
		t.Errorf("the resumed run reported %v: want no evaluation before training, and the update", phases)
	}
	zero := func(r *Phase3Result) []ppo.UpdateLog {
		logs := append([]ppo.UpdateLog(nil), r.Train.Logs...)
		for i := range logs {
			logs[i].Seconds = 0
		}
		return logs
	}
	if !reflect.DeepEqual(zero(got), zero(want)) || !reflect.DeepEqual(got.Before, want.Before) || !reflect.DeepEqual(got.After, want.After) {
		t.Errorf("resumed run differs:\n got %+v %v %v\nwant %+v %v %v", zero(got), got.Before, got.After, zero(want), want.Before, want.After)
	}
}
