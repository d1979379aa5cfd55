package latent

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
)

// TestEvaluateFig4 evaluates the three controllers of a quick run on their
// own phases' models and on the final one, and checks each evaluation
// against the same controller evaluated independently: full CEM on its own
// model is planet.Evaluate of the phase-1 checkpoint, latent DCEM on its
// own is planet.Evaluate of the phase-2 checkpoint with the agent; on the
// final model (phase 3's) latent DCEM plays in the model PPO tuned. An
// evaluations file is read back instead of played again.
func TestEvaluateFig4(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	phase1 := filepath.Join(dir, "phase1.bin")
	if _, err := planet.Run(ctx, planet.Quick("cheetah.run"), planet.Options{Checkpoint: phase1}); err != nil {
		t.Fatal(err)
	}
	p2 := Phase2Quick("cheetah.run")
	phase2 := filepath.Join(dir, "phase2.bin")
	if _, _, err := RunPhase2(ctx, p2, phase1, planet.Options{Checkpoint: phase2}); err != nil {
		t.Fatal(err)
	}
	phase3 := filepath.Join(dir, "phase3.bin")
	_, policy, err := RunPhase3(ctx, Phase3Quick(), phase2, p2.Agent, Phase3Options{Checkpoint: phase3})
	if err != nil {
		t.Fatal(err)
	}
	evals, err := planet.OpenEvaluations(filepath.Join(dir, "evaluations.json"))
	if err != nil {
		t.Fatal(err)
	}
	const episodes, seed = 2, 42
	sd := Fig4Seed{Seed: 0, Phase1: phase1, Phase2: phase2, Phase3: phase3, Agent: p2.Agent, Policy: policy}
	res, err := EvaluateFig4(ctx, []Fig4Seed{sd}, Fig4Options{Episodes: episodes, Seed: seed, Evaluations: evals})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Evaluations) != 6 {
		t.Fatalf("%d evaluations, want 3 controllers × 2 models", len(res.Evaluations))
	}
	for _, e := range res.Evaluations {
		if len(e.Returns) != episodes {
			t.Errorf("%s on the %s: %d returns, want %d", e.Controller, e.Model, len(e.Returns), episodes)
		}
	}
	if res.Imagination != PriorMeans {
		t.Errorf("Imagination %q by default, want %q", res.Imagination, PriorMeans)
	}
	// Full CEM imagines with the prior's means too (phase 1 sampled).
	r1, err := planet.LoadResult(phase1)
	if err != nil {
		t.Fatal(err)
	}
	m1, err := planet.LoadModel(phase1)
	if err != nil {
		t.Fatal(err)
	}
	meanCfg := r1.Config
	meanCfg.MeanStates = true
	wantMeans, err := planet.EvaluateModel(ctx, meanCfg, m1, planet.EvalOptions{Episodes: episodes, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Returns(FullCEM, OwnModel); !reflect.DeepEqual(got, wantMeans) {
		t.Errorf("full CEM on its own model, prior means: %v, planet.EvaluateModel with MeanStates gives %v", got, wantMeans)
	}
	agent, _ := NewAgent(p2.Agent, 6)
	agent.Workers = r1.Config.Workers // as EvaluateFig4 plays it
	want2, err := planet.Evaluate(ctx, phase2, planet.EvalOptions{Episodes: episodes, Seed: seed, Agent: agent})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Returns(LatentDCEM, OwnModel); !reflect.DeepEqual(got, want2) {
		t.Errorf("latent DCEM on its own model: %v, planet.Evaluate of phase 2 with the agent gives %v", got, want2)
	}
	if got, own := res.Returns(LatentPPO, FinalModel), res.Returns(LatentPPO, OwnModel); !reflect.DeepEqual(got, own) {
		t.Errorf("+ PPO: its own model is the final one, but the returns differ: %v and %v", got, own)
	}
	if p, err := res.Fig4Plot("cheetah.run", FinalModel, "quick budget"); err != nil || p.X.Min != 0 || p.X.Max != 1000 {
		t.Errorf("Fig4Plot: %v; want boxes on 0–1000", err)
	}
	if _, err := res.Fig4Plot("cheetah.run", "no such model", ""); err == nil {
		t.Error("Fig4Plot of a model kind without returns: no error")
	}
	c, err := res.Compare(FullCEM, LatentDCEM, FinalModel, 0.95, 200, 1)
	if err != nil || c.N != episodes {
		t.Errorf("Compare: %v, %+v; want %d pairs", err, c, episodes)
	}
	// Read back, not played: the same returns with every episode recorded.
	again, err := EvaluateFig4(ctx, []Fig4Seed{sd}, Fig4Options{Episodes: episodes, Seed: seed, Evaluations: evals})
	if err != nil || !reflect.DeepEqual(again, res) {
		t.Errorf("a second evaluation with the same file: %v, %+v; want the first's", err, again)
	}
	// With the prior's samples full CEM plays as phase 1's evaluations
	// did; the same evaluations file does not hand back the means' records.
	want1, err := planet.Evaluate(ctx, phase1, planet.EvalOptions{Episodes: episodes, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	sampled, err := EvaluateFig4(ctx, []Fig4Seed{sd}, Fig4Options{Episodes: episodes, Seed: seed, Evaluations: evals, Imagination: PriorSamples})
	if err != nil {
		t.Fatal(err)
	}
	if sampled.Imagination != PriorSamples {
		t.Errorf("Imagination %q, want %q", sampled.Imagination, PriorSamples)
	}
	if reflect.DeepEqual(want1, wantMeans) {
		t.Errorf("full CEM returns %v with the prior's means and with its samples: the test cannot tell them apart", want1)
	}
	if got := sampled.Returns(FullCEM, OwnModel); !reflect.DeepEqual(got, want1) {
		t.Errorf("full CEM on its own model, prior samples: %v, planet.Evaluate of phase 1 gives %v", got, want1)
	}
	if _, err := EvaluateFig4(ctx, []Fig4Seed{sd}, Fig4Options{Episodes: 1, Imagination: "modes"}); err == nil {
		t.Error("Imagination \"modes\": no error")
	}
	// Without phase 3 the final model is phase 2's: full CEM there plays
	// in the phase-2 model.
	noPPO := sd
	noPPO.Phase3, noPPO.Policy = "", nil
	res2, err := EvaluateFig4(ctx, []Fig4Seed{noPPO}, Fig4Options{Episodes: episodes, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Evaluations) != 4 || !reflect.DeepEqual(res2.Returns(LatentDCEM, FinalModel), want2) {
		t.Errorf("without phase 3: %d evaluations, latent DCEM on the final model %v; want 4 and phase 2's %v",
			len(res2.Evaluations), res2.Returns(LatentDCEM, FinalModel), want2)
	}
	if _, err := EvaluateFig4(ctx, []Fig4Seed{{Phase1: phase1, Phase2: phase2, Phase3: phase3, Agent: p2.Agent}}, Fig4Options{Episodes: 1}); err == nil {
		t.Error("Phase3 without Policy: no error")
	}
	if _, err := EvaluateFig4(ctx, []Fig4Seed{sd}, Fig4Options{}); err == nil {
		t.Error("Episodes 0: no error")
	}
}
