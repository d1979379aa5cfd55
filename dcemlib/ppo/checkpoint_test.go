package ppo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// walk is an environment whose episodes depend on the Reset seed only: a
// point on a line starts in [−1, 1) as the seed says, moves by a tenth of
// the action, is rewarded −x², and stops after Len steps. It counts the
// steps it takes.
type walk struct {
	Len   int
	x     float64
	n     int
	steps int
}

func (w *walk) Reset(seed uint64) ([]float64, error) {
	w.x, w.n = float64(seed%1000)/500-1, 0
	return []float64{w.x, 0}, nil
}

func (w *walk) Step(a []float64) ([]float64, float64, bool, error) {
	w.x += 0.1 * a[0]
	w.n++
	w.steps++
	return []float64{w.x, float64(w.n) / float64(w.Len)}, -w.x * w.x, w.n >= w.Len, nil
}

func (w *walk) ObservationSize() int             { return 2 }
func (w *walk) ActionSize() int                  { return 1 }
func (w *walk) ActionBounds() (lo, hi []float64) { return []float64{-1}, []float64{1} }

// episodeConfig collects 2 whole episodes per update, with the standard
// settings' reward normalization and learning-rate decay.
func episodeConfig() Config {
	c := Standard()
	c.Updates, c.Steps, c.Episodes, c.Epochs, c.Minibatches = 5, 0, 2, 2, 3
	c.Seed = 11
	return c
}

// networks returns a policy and a value function in dtype dt initialized
// from seed.
func networks(seed uint64, hidden int, dt tensor.DType) (*GaussianMLP, *MLPValue) {
	rng := tensor.NewRNG(seed)
	return NewGaussianMLP(2, 1, []int{hidden}, -0.5, true, rng).Convert(dt), NewMLPValue(2, []int{hidden}, rng).Convert(dt)
}

func paramValues(ps ...[]*tensor.Tensor) [][]float64 {
	var v [][]float64
	for _, list := range ps {
		for _, p := range list {
			v = append(v, p.Values())
		}
	}
	return v
}

func withoutSeconds(logs []UpdateLog) []UpdateLog {
	out := append([]UpdateLog(nil), logs...)
	for i := range out {
		out[i].Seconds = 0
	}
	return out
}

// An episode-collecting run interrupted after an update and resumed from
// its checkpoint gives the later updates, the record and the final
// parameters of an uninterrupted run, bit for bit; a finished run's
// checkpoint returns its record without stepping an environment.
func TestCheckpointResumeEpisodes(t *testing.T) {
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			cfg := episodeConfig()
			pol, val := networks(3, 8, dt)
			want, err := Train(context.Background(), &walk{Len: 6}, pol, val, cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantParams := paramValues(pol.Params(), val.Params())

			path := filepath.Join(t.TempDir(), "ppo.bin")
			for _, stopAfter := range []int{2, 4} {
				ctx, cancel := context.WithCancel(context.Background())
				// The first run starts as the uninterrupted one; the resumed
				// one has networks of another initialization, which the
				// checkpoint must overwrite.
				pol, val = networks(3, 8, dt)
				if stopAfter > 2 {
					pol, val = networks(100, 8, dt)
				}
				res, err := Train(ctx, &walk{Len: 6}, pol, val, cfg, Options{Checkpoint: path, Progress: func(l UpdateLog) {
					if l.Update == stopAfter {
						cancel()
					}
				}})
				cancel()
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("interrupted run: %v, want context.Canceled", err)
				}
				if len(res.Logs) != stopAfter {
					t.Fatalf("interrupted after %d updates, want %d", len(res.Logs), stopAfter)
				}
				saved, err := LoadResult(path)
				if err != nil {
					t.Fatal(err)
				}
				if len(saved.Logs) != stopAfter {
					t.Fatalf("the checkpoint holds %d updates, want %d", len(saved.Logs), stopAfter)
				}
			}
			pol, val = networks(200, 8, dt)
			var resumed []int
			got, err := Train(context.Background(), &walk{Len: 6}, pol, val, cfg, Options{Checkpoint: path, Progress: func(l UpdateLog) {
				resumed = append(resumed, l.Update)
			}})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(resumed, []int{5}) {
				t.Errorf("the resumed run did updates %v, want [5]", resumed)
			}
			if !reflect.DeepEqual(withoutSeconds(got.Logs), withoutSeconds(want.Logs)) {
				t.Errorf("logs after resuming differ:\n got %+v\nwant %+v", got.Logs, want.Logs)
			}
			if !reflect.DeepEqual(got.Returns, want.Returns) || got.TotalSteps != want.TotalSteps {
				t.Errorf("returns %v (%d steps) after resuming, want %v (%d)", got.Returns, got.TotalSteps, want.Returns, want.TotalSteps)
			}
			if !reflect.DeepEqual(paramValues(pol.Params(), val.Params()), wantParams) {
				t.Error("the final parameters after resuming differ from an uninterrupted run's")
			}

			// The finished run's checkpoint: its record, no more work.
			env := &walk{Len: 6}
			pol, val = networks(300, 8, dt)
			again, err := Train(context.Background(), env, pol, val, cfg, Options{Checkpoint: path})
			if err != nil {
				t.Fatal(err)
			}
			if env.steps != 0 || !reflect.DeepEqual(again.Logs, got.Logs) {
				t.Errorf("a finished run's checkpoint: %d steps taken, %d logs; want 0 and the run's %d", env.steps, len(again.Logs), len(got.Logs))
			}
			if !reflect.DeepEqual(paramValues(pol.Params(), val.Params()), wantParams) {
				t.Error("a finished run's checkpoint did not restore its final parameters")
			}
		})
	}
}

// A step-collecting run resumes from its checkpoint with the update count,
// steps and record so far, its environments starting new episodes.
func TestCheckpointResumeSteps(t *testing.T) {
	cfg := tinyConfig()
	cfg.Updates, cfg.Steps = 4, 4
	path := filepath.Join(t.TempDir(), "ppo.bin")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pol, val := networks(1, 4, tensor.Float64)
	_, err := Train(ctx, &counter{Len: 3}, pol, val, cfg, Options{Checkpoint: path, Progress: func(l UpdateLog) {
		if l.Update == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	pol, val = networks(1, 4, tensor.Float64)
	env := &counter{Len: 3}
	tr, err := NewTrainer([]envs.Env{env}, pol, val, cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Updates() != 2 {
		t.Fatalf("resumed at %d updates, want 2", tr.Updates())
	}
	log, err := tr.Update(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if log.Update != 3 || log.TotalSteps != 12 {
		t.Errorf("first update after resuming: %+v, want update 3 at 12 steps", log)
	}
	if env.ep != 2 || env.actions == nil {
		t.Errorf("the environment ran %d episodes, want a new one and the next", env.ep)
	}
	res, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Logs) != 4 || res.TotalSteps != 16 || res.Logs[3].Update != 4 {
		t.Errorf("resumed run: %d logs, %d steps, want 4 and 16", len(res.Logs), res.TotalSteps)
	}
}

// Damaged files are errors saying the checkpoint is corrupted; a
// checkpoint of another configuration or other networks is refused and
// changes nothing.
func TestCorruptCheckpoint(t *testing.T) {
	cfg := episodeConfig()
	cfg.Updates = 1
	path := filepath.Join(t.TempDir(), "ppo.bin")
	pol, val := networks(1, 4, tensor.Float32)
	if _, err := Train(context.Background(), &walk{Len: 6}, pol, val, cfg, Options{Checkpoint: path}); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x40
	badLength := append([]byte(nil), good...)
	badLength[len(checkpointMagic)]++
	for name, b := range map[string][]byte{
		"flipped byte": flipped,
		"truncated":    good[:len(good)-10],
		"empty":        {},
		"foreign":      []byte("not a checkpoint at all"),
		"header only":  good[:len(checkpointMagic)+5],
		"bad length":   badLength,
		"other magic":  append([]byte("dcem-planet-checkpoint-2\n"), good[len(checkpointMagic):]...),
	} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		pol, val := networks(1, 4, tensor.Float32)
		_, err := Train(context.Background(), &walk{Len: 6}, pol, val, cfg, Options{Checkpoint: path})
		if err == nil || !strings.Contains(err.Error(), "corrupted") {
			t.Errorf("%s: error %v, want one saying the checkpoint is corrupted", name, err)
		}
		if _, err := LoadResult(path); err == nil || !strings.Contains(err.Error(), "corrupted") {
			t.Errorf("LoadResult of %s: error %v, want one saying the checkpoint is corrupted", name, err)
		}
	}

	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.Updates = 2
	pol, val = networks(1, 4, tensor.Float32)
	before := paramValues(pol.Params(), val.Params())
	if _, err := Train(context.Background(), &walk{Len: 6}, pol, val, other, Options{Checkpoint: path}); err == nil || !strings.Contains(err.Error(), "another configuration") {
		t.Errorf("another Config: error %v, want one saying so", err)
	}
	for _, c := range []struct {
		name, want string
		hidden     int
		dt         tensor.DType
	}{{"wider networks", "shape", 5, tensor.Float32}, {"float64 networks", "values", 4, tensor.Float64}} {
		p, v := networks(1, c.hidden, c.dt)
		if _, err := Train(context.Background(), &walk{Len: 6}, p, v, cfg, Options{Checkpoint: path}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one about the %s", c.name, err, c.want)
		}
	}
	if _, err := NewTrainer([]envs.Env{&walk{Len: 6}}, pol, val, cfg, Options{Checkpoint: path, Frozen: pol.Params()[:2]}); err == nil || !strings.Contains(err.Error(), "optimizer") {
		t.Errorf("other frozen parameters: error %v, want one about the optimizer's state", err)
	}
	if !reflect.DeepEqual(paramValues(pol.Params(), val.Params()), before) {
		t.Error("a refused checkpoint changed the parameters")
	}
	if _, err := NewTrainer([]envs.Env{&walk{Len: 6}}, pol, val, cfg, Options{Checkpoint: path, Extra: &note{}}); err == nil || !strings.Contains(err.Error(), "Extra") {
		t.Errorf("resuming with an Extra the checkpoint lacks: error %v, want one naming Extra", err)
	}
}

// note is an Options.Extra: a string.
type note struct{ text string }

func (n *note) MarshalBinary() ([]byte, error) { return []byte(n.text), nil }
func (n *note) UnmarshalBinary(b []byte) error {
	if strings.HasPrefix(string(b), "bad") {
		return errors.New("a bad note")
	}
	n.text = string(b)
	return nil
}

// Options.Extra's state travels with the checkpoint, also when saved after
// the last update.
func TestCheckpointExtra(t *testing.T) {
	cfg := episodeConfig()
	cfg.Updates = 1
	path := filepath.Join(t.TempDir(), "ppo.bin")
	pol, val := networks(1, 4, tensor.Float64)
	n := &note{text: "before training"}
	tr, err := NewTrainer([]envs.Env{&walk{Len: 6}}, pol, val, cfg, Options{Checkpoint: path, Extra: n})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	restored := &note{}
	if _, err := NewTrainer([]envs.Env{&walk{Len: 6}}, pol, val, cfg, Options{Checkpoint: path, Extra: restored}); err != nil {
		t.Fatal(err)
	}
	if restored.text != "before training" {
		t.Errorf("restored %q, want %q", restored.text, "before training")
	}
	n.text = "bad: after training"
	if err := tr.SaveCheckpoint(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewTrainer([]envs.Env{&walk{Len: 6}}, pol, val, cfg, Options{Checkpoint: path, Extra: restored}); err == nil || !strings.Contains(err.Error(), "a bad note") {
		t.Errorf("an Extra that fails to restore: error %v, want its error", err)
	}
	if _, err := NewTrainer([]envs.Env{&walk{Len: 6}}, pol, val, cfg, Options{Checkpoint: path}); err == nil || !strings.Contains(err.Error(), "Extra") {
		t.Errorf("resuming without the Extra the checkpoint has: error %v, want one naming Extra", err)
	}
}
