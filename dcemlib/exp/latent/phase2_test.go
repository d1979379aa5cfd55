package latent

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
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
	want, _, err := RunPhase2(context.Background(), cfg, phase1, planet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want.Agent == "" || want.From != phase1 {
		t.Errorf("result does not say how it ran: agent %q, from %q", want.Agent, want.From)
	}
	scored := 0
	for _, l := range want.Losses {
		if l.Agent != 0 {
			scored++
		}
	}
	if scored != len(want.Losses) {
		t.Errorf("%d of %d rounds have the agent's score", scored, len(want.Losses))
	}
	ckpt := filepath.Join(dir, "phase2.bin")
	ctx, cancel := context.WithCancel(context.Background())
	_, _, err = RunPhase2(ctx, cfg, phase1, planet.Options{Checkpoint: ckpt, Progress: func(p planet.Progress) {
		if p.Phase == "train" && p.Step == 5 && p.Episode == cfg.World.SeedEpisodes+1 {
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
	res, policy, err := RunPhase3(context.Background(), cfg, phase2, p2.Agent, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Train.Logs) != 1 || len(res.Before) != 1 || len(res.After) != 1 {
		t.Fatalf("%d updates, %d/%d evaluations; want 1, 1/1", len(res.Train.Logs), len(res.Before), len(res.After))
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
}
