package planet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestEvaluationsResume(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "checkpoint.bin")
	if _, err := Run(context.Background(), Quick("cheetah.run"), Options{Checkpoint: ckpt}); err != nil {
		t.Fatal(err)
	}
	want, err := Evaluate(context.Background(), ckpt, EvalOptions{Episodes: 3, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	play := func(ctx context.Context, o EvalOptions) ([]float64, error) { return Evaluate(ctx, ckpt, o) }
	path := filepath.Join(dir, "evaluations.json")

	// An evaluation stopped after its second episode keeps two returns.
	ev, err := OpenEvaluations(path)
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stopped")
	_, err = ev.Evaluate(context.Background(), "cem", ckpt, EvalOptions{Episodes: 3, Seed: 5,
		OnEpisode: func(i int, _ float64) error {
			if i == 1 {
				return stop
			}
			return nil
		}}, play)
	if !errors.Is(err, stop) {
		t.Fatalf("interrupted evaluation: error %v, want the callback's", err)
	}
	ev, err = OpenEvaluations(path)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := ev.Record("cem")
	if !ok || !reflect.DeepEqual(rec.Returns, want[:2]) {
		t.Fatalf("record after the interruption %+v, want returns %v", rec, want[:2])
	}

	// Resumed, it plays only the third episode and matches an uninterrupted run.
	var played []int
	got, err := ev.Evaluate(context.Background(), "cem", ckpt, EvalOptions{Episodes: 3, Seed: 5,
		OnEpisode: func(i int, _ float64) error { played = append(played, i); return nil }}, play)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(played, []int{2}) {
		t.Errorf("resumed: returns %v (want %v), played episodes %v (want [2])", got, want, played)
	}

	// Finished: read back without playing, also for fewer episodes.
	never := func(context.Context, EvalOptions) ([]float64, error) {
		t.Error("a recorded evaluation was played again")
		return nil, nil
	}
	ev, _ = OpenEvaluations(path)
	if got, err = ev.Evaluate(context.Background(), "cem", ckpt, EvalOptions{Episodes: 2, Seed: 5}, never); err != nil || !reflect.DeepEqual(got, want[:2]) {
		t.Errorf("recorded: %v, %v; want %v", got, err, want[:2])
	}

	// Another seed, or a changed source file, is evaluated afresh.
	calls := 0
	count := func(ctx context.Context, o EvalOptions) ([]float64, error) {
		calls++
		if len(o.Done) != 0 {
			t.Errorf("a stale record was resumed: Done %v", o.Done)
		}
		return play(ctx, o)
	}
	if _, err := ev.Evaluate(context.Background(), "cem", ckpt, EvalOptions{Episodes: 1, Seed: 6}, count); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(ckpt)
	if err := os.WriteFile(ckpt, append(b, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	// The checkpoint with a trailing byte may or may not load: only the
	// fresh start matters here, not the outcome.
	_, _ = ev.Evaluate(context.Background(), "cem", ckpt, EvalOptions{Episodes: 1, Seed: 6}, count)
	if calls != 2 {
		t.Errorf("%d fresh evaluations, want 2 (new seed, changed source)", calls)
	}

	if _, err := ev.Evaluate(context.Background(), "cem", filepath.Join(dir, "none.bin"), EvalOptions{Episodes: 1}, play); err == nil || !strings.Contains(err.Error(), "source") {
		t.Errorf("missing source: error %v", err)
	}
	if _, err := ev.Evaluate(context.Background(), "cem", ckpt, EvalOptions{Episodes: 0}, play); err == nil || !strings.Contains(err.Error(), "Episodes") {
		t.Errorf("Episodes 0: error %v", err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenEvaluations(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("corrupt file: error %v, want one naming it", err)
	}
}

func TestEvaluateDone(t *testing.T) {
	ckpt := filepath.Join(t.TempDir(), "checkpoint.bin")
	if _, err := Run(context.Background(), Quick("cheetah.run"), Options{Checkpoint: ckpt}); err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(context.Background(), ckpt, EvalOptions{Episodes: 1, Done: []float64{1, 2}}); err == nil || !strings.Contains(err.Error(), "Done") {
		t.Errorf("Done longer than Episodes: error %v", err)
	}
}
