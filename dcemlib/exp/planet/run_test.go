package planet

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dcem-go/dcem/dcemlib/checkpoint"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

func TestConfigErrorsNameTheField(t *testing.T) {
	for _, c := range []struct {
		field string
		edit  func(*Config)
	}{
		{"Task", func(c *Config) { c.Task = "" }},
		{"ActionRepeat", func(c *Config) { c.ActionRepeat = 0 }},
		{"EpisodeSteps", func(c *Config) { c.EpisodeSteps = 0 }},
		{"EpisodeSteps", func(c *Config) { c.EpisodeSteps = 1001 }},
		{"SeedEpisodes", func(c *Config) { c.SeedEpisodes = 0 }},
		{"Episodes", func(c *Config) { c.Episodes = -1 }},
		{"BatchSize", func(c *Config) { c.BatchSize = 0 }},
		{"ChunkLength", func(c *Config) { c.ChunkLength = 0 }},
		{"ChunkLength", func(c *Config) { c.ChunkLength = 251 }},
		{"Schedule", func(c *Config) { c.Schedule = "sometimes" }},
		{"LearningRate", func(c *Config) { c.LearningRate = 0 }},
		{"AdamEps", func(c *Config) { c.AdamEps = math.NaN() }},
		{"ExplorationNoise", func(c *Config) { c.ExplorationNoise = -0.1 }},
		{"Workers", func(c *Config) { c.Workers = 0 }},
		{"Model", func(c *Config) { c.Model.StateSize = 0 }},
		{"Horizon", func(c *Config) { c.Planner.Horizon = 0 }},
		{"Elites", func(c *Config) { c.Planner.Elites = c.Planner.Candidates }},
	} {
		cfg := Default("cheetah.run")
		c.edit(&cfg)
		_, err := Run(context.Background(), cfg, Options{})
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %v, want one naming the field", c.field, err)
		}
	}
	cfg := Quick("nosuch.task")
	if _, err := Run(context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "nosuch.task") {
		t.Errorf("unknown task: error %v", err)
	}
}

func TestPresets(t *testing.T) {
	if !Default("walker.walk").IsPaperBudget() || Small("walker.walk").IsPaperBudget() {
		t.Error("IsPaperBudget: Default must be the paper's budget and Small not")
	}
	for _, task := range []string{"cheetah.run", "walker.walk"} {
		for _, c := range []Config{Default(task), Small(task), Quick(task)} {
			if err := c.Validate(); err != nil {
				t.Errorf("%s: %v", task, err)
			}
		}
	}
	if Default("cheetah.run").ActionRepeat != 4 || Default("walker.walk").ActionRepeat != 2 {
		t.Error("action repeats are not PlaNet's (4 for cheetah, 2 for walker)")
	}
}

// TestQuickRun runs the quick preset on both tasks and checks the logs'
// bookkeeping: episode kinds, step counts, updates and the prediction.
func TestQuickRun(t *testing.T) {
	for _, task := range []string{"cheetah.run", "walker.walk"} {
		cfg := Quick(task)
		res, err := Run(context.Background(), cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, e := range res.Episodes {
			kinds[e.Kind]++
			if math.IsNaN(e.Return) {
				t.Errorf("%s: %s episode %d has a NaN return", task, e.Kind, e.Index)
			}
		}
		if kinds["seed"] != cfg.SeedEpisodes || kinds["train"] != cfg.Episodes || kinds["eval"] != cfg.EvalEpisodes {
			t.Errorf("%s: episodes %v, want %d seed, %d train, %d eval", task, kinds, cfg.SeedEpisodes, cfg.Episodes, cfg.EvalEpisodes)
		}
		if want := (cfg.SeedEpisodes + cfg.Episodes) * cfg.EpisodeSteps; res.EnvSteps != want {
			t.Errorf("%s: %d environment steps, want %d", task, res.EnvSteps, want)
		}
		if want := cfg.Episodes * cfg.Updates; res.Updates != want {
			t.Errorf("%s: %d updates, want %d", task, res.Updates, want)
		}
		if res.Prediction == nil || len(res.Prediction.PredReward) != len(res.Prediction.RealReward) {
			t.Errorf("%s: prediction %+v", task, res.Prediction)
		}
		if res.Cost.PerDecision <= 0 || res.Cost.PerUpdate <= 0 || res.Cost.PerEnvStep <= 0 {
			t.Errorf("%s: cost model %+v has an unmeasured entry", task, res.Cost)
		}
		for _, f := range []func(*Result) error{
			func(r *Result) error { _, err := ReturnsPlot(r); return err },
			func(r *Result) error { _, err := LossPlot(r); return err },
			func(r *Result) error { _, err := RewardPredictionPlot(r); return err },
			func(r *Result) error { _, err := ObsPredictionPlot(r); return err },
		} {
			if err := f(res); err != nil {
				t.Errorf("%s: %v", task, err)
			}
		}
	}
}

// TestInterleavedSchedule: the interleaved schedule makes the same number
// of updates, spread over the episodes.
func TestInterleavedSchedule(t *testing.T) {
	cfg := Quick("cheetah.run")
	cfg.Schedule = ScheduleInterleaved
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := cfg.Episodes * cfg.Updates; res.Updates != want {
		t.Errorf("%d updates, want %d", res.Updates, want)
	}
	// One round before the first episode, then one per update during the
	// second (each logged round is one call).
	if len(res.Losses) < 1+cfg.Updates {
		t.Errorf("%d loss rounds, want the updates of later episodes spread out (≥ %d)", len(res.Losses), 1+cfg.Updates)
	}
}

// TestCheckpointResume interrupts a run in the middle of a planned episode
// and resumes it from its checkpoint: every later update and episode is
// the same as in the uninterrupted run.
func TestCheckpointResume(t *testing.T) {
	cfg := Quick("cheetah.run")
	cfg.Episodes = 3
	want, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "run", "checkpoint.bin")
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Run(ctx, cfg, Options{Checkpoint: path, Progress: func(p Progress) {
		if p.Phase == "train" && p.Episode == cfg.SeedEpisodes+1 && p.Step == 10 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: error %v, want context.Canceled", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no checkpoint after the interruption: %v", err)
	}
	got, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	if got.Resumes != 1 {
		t.Errorf("Resumes = %d, want 1", got.Resumes)
	}
	if !reflect.DeepEqual(got.Losses, want.Losses) {
		t.Errorf("losses after resuming differ:\n got %+v\nwant %+v", got.Losses, want.Losses)
	}
	for i := range want.Episodes {
		if got.Episodes[i].Return != want.Episodes[i].Return || got.Episodes[i].Kind != want.Episodes[i].Kind {
			t.Errorf("episode %d: %+v after resuming, %+v uninterrupted", i, got.Episodes[i], want.Episodes[i])
		}
	}
	// A finished run's checkpoint returns the result without more work.
	again, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil || again.Updates != want.Updates || len(again.Episodes) != len(want.Episodes) {
		t.Errorf("rerun of a finished checkpoint: %v, %d updates, %d episodes", err, again.Updates, len(again.Episodes))
	}
	// Another configuration refuses the checkpoint.
	other := cfg
	other.Seed = 99
	if _, err := Run(context.Background(), other, Options{Checkpoint: path}); err == nil || !strings.Contains(err.Error(), "another configuration") {
		t.Errorf("checkpoint of another configuration: error %v", err)
	}
}

// TestCorruptCheckpoint: a damaged or foreign checkpoint file is an error,
// never a crash, and is left in place.
func TestCorruptCheckpoint(t *testing.T) {
	cfg := Quick("cheetah.run")
	cfg.Episodes = 0
	dir := t.TempDir()
	path := filepath.Join(dir, "checkpoint.bin")
	if _, err := Run(context.Background(), cfg, Options{Checkpoint: path}); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x40
	for name, b := range map[string][]byte{
		"flipped byte": flipped,
		"truncated":    good[:len(good)-100],
		"empty":        {},
		"foreign":      []byte("not a checkpoint at all"),
		"header only":  good[:len(checkpointMagic)+5],
	} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Run(context.Background(), cfg, Options{Checkpoint: path})
		if err == nil || !strings.Contains(err.Error(), "corrupted") {
			t.Errorf("%s: error %v, want one saying the checkpoint is corrupted", name, err)
		}
	}
}

func TestLoadResult(t *testing.T) {
	cfg := Quick("walker.walk")
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	want, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadResult(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Updates != want.Updates || len(got.Episodes) != len(want.Episodes) || got.Cost != want.Cost {
		t.Errorf("LoadResult: %d updates, %d episodes, cost %+v; the run: %d, %d, %+v",
			got.Updates, len(got.Episodes), got.Cost, want.Updates, len(want.Episodes), want.Cost)
	}
	if _, err := LoadResult(filepath.Join(t.TempDir(), "missing.bin")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestEvaluate(t *testing.T) {
	cfg := Quick("cheetah.run")
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	if _, err := Run(context.Background(), cfg, Options{Checkpoint: path}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	a, err := Evaluate(context.Background(), path, EvalOptions{Episodes: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Evaluate(context.Background(), path, EvalOptions{Episodes: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 2 || !reflect.DeepEqual(a, b) {
		t.Errorf("returns %v and %v: want 2 each, the same for the same seed", a, b)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("Evaluate changed the checkpoint")
	}
	if _, err := Evaluate(context.Background(), path, EvalOptions{Episodes: 0}); err == nil || !strings.Contains(err.Error(), "Episodes") {
		t.Errorf("Episodes 0: error %v", err)
	}
}

// recorder is an Agent that acts with zero actions and keeps the model it
// is given to learn with: the run's own model, whose final parameters a
// checkpoint must hold.
type recorder struct {
	m     *rssm.Model
	state string
}

func (r *recorder) Act(_ context.Context, m *rssm.Model, _, _ []float64, _ uint64) ([]float64, error) {
	return make([]float64, m.ActionSize), nil
}

func (r *recorder) Learn(_ context.Context, m *rssm.Model, _ *rssm.Replay, _ *tensor.RNG) (float64, error) {
	r.m = m
	return 1, nil
}

func (r *recorder) Describe() string               { return "recorder" }
func (r *recorder) MarshalBinary() ([]byte, error) { return []byte("recorder state"), nil }
func (r *recorder) UnmarshalBinary(b []byte) error { r.state = string(b); return nil }

// TestLoadModel checks that LoadModel (and a Saved checkpoint's Model)
// returns the trained model of the run: its parameters are those the run
// ended with, not a fresh initialization's.
func TestLoadModel(t *testing.T) {
	cfg := Quick("cheetah.run")
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	rec := &recorder{}
	res, err := Run(context.Background(), cfg, Options{Checkpoint: path, Agent: rec})
	if err != nil {
		t.Fatal(err)
	}
	if rec.m == nil || res.Updates == 0 {
		t.Fatalf("the run made %d updates and gave its agent no model", res.Updates)
	}
	trained := rec.m.Params()
	mc := cfg.Model
	mc.ObsSize, mc.ActionSize = 17, 6
	fresh, err := rssm.New(mc, tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	differs := false
	for i, p := range fresh.Params() {
		differs = differs || !reflect.DeepEqual(p.Data32(), trained[i].Data32())
	}
	if !differs {
		t.Fatal("the trained model equals a fresh one: the comparison below would prove nothing")
	}
	m, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := ReadSaved(path)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := saved.Model()
	if err != nil {
		t.Fatal(err)
	}
	for _, loaded := range []*rssm.Model{m, sm} {
		ps := loaded.Params()
		if len(ps) != len(trained) {
			t.Fatalf("%d parameter tensors loaded, the trained model has %d", len(ps), len(trained))
		}
		for i, p := range ps {
			if p.DType() != tensor.Float32 || !reflect.DeepEqual(p.Data32(), trained[i].Data32()) {
				t.Fatalf("parameter %d differs from the trained model's", i)
			}
		}
		if loaded.ObsSize != 17 || loaded.ActionSize != 6 || loaded.StateSize != cfg.Model.StateSize {
			t.Errorf("sizes %d/%d/%d", loaded.ObsSize, loaded.ActionSize, loaded.StateSize)
		}
	}
	want, err := LoadResult(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := saved.Result(); !reflect.DeepEqual(got, want) {
		t.Errorf("Saved.Result() = %+v, LoadResult %+v", got, want)
	}
	got := &recorder{}
	if err := saved.LoadAgent(got); err != nil || got.state != "recorder state" {
		t.Errorf("Saved.LoadAgent: %v, state %q; want the agent's state", err, got.state)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaaa, bbbb, cccc, dd", 12)
	if want := "aaaa, bbbb,\ncccc, dd"; got != want {
		t.Errorf("wrap = %q", got)
	}
	// Figure titles: the budget line fits a 6-inch-wide figure.
	r := &Result{Config: Small("walker.walk"), Agent: "latent DCEM: 100 samples, 10 elites, 10 iterations"}
	for _, line := range strings.Split(r.label(), "\n") {
		if len([]rune(line)) > 64 {
			t.Errorf("title line %q longer than 64", line)
		}
	}
}

// TestReadingAFinishedRunIsNoResume: Run on a finished run's checkpoint
// returns its result, does not count a resume and keeps the run's time.
func TestReadingAFinishedRunIsNoResume(t *testing.T) {
	cfg := Quick("cheetah.run")
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	if _, err := Run(context.Background(), cfg, Options{Checkpoint: path}); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumes != 0 {
		t.Errorf("Resumes = %d after reading a finished run, want 0", res.Resumes)
	}
	time.Sleep(20 * time.Millisecond)
	again, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	if again.Seconds != res.Seconds {
		t.Errorf("Seconds = %g, then %g reading the finished run again: want its time unchanged", res.Seconds, again.Seconds)
	}
}

// TestCheckpointV1 reads a checkpoint in the earlier uncompressed format:
// the same run, results and parameters as the compressed file it was
// made from.
func TestCheckpointV1(t *testing.T) {
	cfg := Quick("cheetah.run")
	cfg.Episodes = 1
	dir := t.TempDir()
	path := filepath.Join(dir, "checkpoint.bin")
	want, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(checkpointMagic)) {
		t.Fatalf("checkpoint starts %q, want %q", b[:len(checkpointMagic)], checkpointMagic)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b[len(checkpointMagic)+12:]))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var v1 bytes.Buffer
	v1.WriteString(checkpointMagicV1)
	binary.Write(&v1, binary.LittleEndian, uint64(len(payload)))
	binary.Write(&v1, binary.LittleEndian, crc32.ChecksumIEEE(payload))
	v1.Write(payload)
	old := filepath.Join(dir, "v1.bin")
	if err := os.WriteFile(old, v1.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if len(b) >= v1.Len() {
		t.Errorf("compressed checkpoint %d bytes, uncompressed %d", len(b), v1.Len())
	}
	got, err := Run(context.Background(), cfg, Options{Checkpoint: old})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Episodes, want.Episodes) || got.Updates != want.Updates {
		t.Errorf("v1 checkpoint: %d updates, episodes %v; want %d, %v", got.Updates, got.Episodes, want.Updates, want.Episodes)
	}
	m1, err := LoadModel(old)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range m1.Params() {
		if !reflect.DeepEqual(p.Data32(), m2.Params()[i].Data32()) {
			t.Fatalf("parameter %d differs between the v1 and v2 checkpoints", i)
		}
	}
}

// TestExtendRun: a finished run's checkpoint, run again with more
// Episodes, goes on from where it ended; fewer Episodes are refused.
func TestExtendRun(t *testing.T) {
	cfg := Quick("cheetah.run")
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	short, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	longer := cfg
	longer.Episodes = cfg.Episodes + 2
	got, err := Run(context.Background(), longer, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	count := func(r *Result, kind string) (n int) {
		for _, e := range r.Episodes {
			if e.Kind == kind {
				n++
			}
		}
		return
	}
	if count(got, "train") != longer.Episodes || count(short, "train") != cfg.Episodes {
		t.Errorf("train episodes: %d after extending to %d (%d before)", count(got, "train"), longer.Episodes, count(short, "train"))
	}
	if !reflect.DeepEqual(got.Episodes[:len(short.Episodes)], short.Episodes) {
		t.Error("extending changed the episodes the run had")
	}
	if got.Updates <= short.Updates || got.Prediction == nil || got.Config.Episodes != longer.Episodes {
		t.Errorf("extended run: %d updates (%d before), prediction %v, Config.Episodes %d", got.Updates, short.Updates, got.Prediction != nil, got.Config.Episodes)
	}
	if _, err := Run(context.Background(), cfg, Options{Checkpoint: path}); err == nil || !strings.Contains(err.Error(), "another configuration") {
		t.Errorf("fewer episodes than the checkpoint's: error %v", err)
	}
}

// TestCheckpointStoresEpisodesAsActions checks the compact replay: a
// checkpoint holds each episode as its reset seed and actions, the replay
// played back from them is the run's (its returns, lengths and
// observations), and an action changed in the file is caught by the
// episode's return.
func TestCheckpointStoresEpisodesAsActions(t *testing.T) {
	cfg := Quick("cheetah.run")
	cfg.Episodes = 1
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	res, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	st, err := readCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Replay != nil || len(st.Episodes) != cfg.SeedEpisodes+cfg.Episodes {
		t.Fatalf("checkpoint: whole replay %v, %d stored episodes; want none and %d", st.Replay != nil, len(st.Episodes), cfg.SeedEpisodes+cfg.Episodes)
	}
	replay, err := LoadReplay(path)
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	for _, e := range res.Episodes {
		if e.Kind == "seed" || e.Kind == "train" {
			want = append(want, e.Return)
		}
	}
	for i, e := range replay.Episodes {
		steps := cfg.EpisodeSteps/cfg.ActionRepeat + 1
		if e.Len() != steps || len(e.Obs) != steps*replay.ObsSize {
			t.Errorf("episode %d: %d steps, %d observation values; want %d and %d", i, e.Len(), len(e.Obs), steps, steps*replay.ObsSize)
		}
		// The log sums float64 rewards, the replay float32 ones.
		if math.Abs(e.Return()-want[i]) > 1e-4*(1+math.Abs(want[i])) {
			t.Errorf("episode %d replays to return %v, the run logged %v", i, e.Return(), want[i])
		}
	}
	st.Episodes[1].Actions[7] += 0.5
	if err := checkpoint.Save(path, checkpointMagic, st); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadReplay(path); err == nil || !strings.Contains(err.Error(), "episode 1") {
		t.Errorf("a changed action: error %v, want one naming episode 1", err)
	}
}

// TestFromKeepsTheSeedEpisodes checks that a run continuing an earlier one
// with its replay buffer collects no seed episodes again (they would be the
// earlier run's, the same seed streams), and that one dropping the buffer
// collects them.
func TestFromKeepsTheSeedEpisodes(t *testing.T) {
	dir := t.TempDir()
	cfg := Quick("cheetah.run")
	cfg.Episodes = 1
	first := filepath.Join(dir, "first.bin")
	if _, err := Run(context.Background(), cfg, Options{Checkpoint: first}); err != nil {
		t.Fatal(err)
	}
	for _, drop := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("next-%v.bin", drop))
		res, err := Run(context.Background(), cfg, Options{Checkpoint: path, From: first, DropReplay: drop})
		if err != nil {
			t.Fatal(err)
		}
		seed, train, _ := (&run{res: res}).counts()
		replay, err := LoadReplay(path)
		if err != nil {
			t.Fatal(err)
		}
		wantSeed, wantReplay := 0, cfg.SeedEpisodes+2*cfg.Episodes
		if drop {
			wantSeed, wantReplay = cfg.SeedEpisodes, cfg.SeedEpisodes+cfg.Episodes
		}
		if seed != wantSeed || train != cfg.Episodes || len(replay.Episodes) != wantReplay {
			t.Errorf("DropReplay %v: %d seed and %d train episodes, replay of %d; want %d, %d and %d",
				drop, seed, train, len(replay.Episodes), wantSeed, cfg.Episodes, wantReplay)
		}
	}
}

// TestMeanStatesReachThePlanner checks that Config.MeanStates sets the
// planner's imagination to the prior's means, and that without it the
// states are sampled, as PlaNet plans.
func TestMeanStatesReachThePlanner(t *testing.T) {
	for _, means := range []bool{false, true} {
		cfg := Quick("cheetah.run")
		cfg.Episodes, cfg.EpisodeSteps, cfg.MeanStates = 1, 40, means
		seen := 0
		onImagination = func(im *rssm.Imagination) {
			seen++
			if im.MeanStates() != means {
				t.Errorf("MeanStates %v: the planner's imagination has MeanStates %v", means, im.MeanStates())
			}
		}
		if _, err := Run(context.Background(), cfg, Options{}); err != nil {
			t.Fatal(err)
		}
		onImagination = nil
		if seen == 0 {
			t.Fatal("no imagination was made: the test checks nothing")
		}
	}
}

// TestNormalizeObs checks Config.NormalizeObs: the model's observation
// scale is the seed episodes' standard deviation per dimension, set before
// the first update, kept by the checkpoint (LoadModel, and a resumed run
// continues with it), and absent without the setting.
func TestNormalizeObs(t *testing.T) {
	cfg := Quick("cheetah.run")
	cfg.Episodes, cfg.NormalizeObs = 2, true
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	if _, err := Run(context.Background(), cfg, Options{Checkpoint: path}); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	replay, err := LoadReplay(path)
	if err != nil {
		t.Fatal(err)
	}
	seeds := &rssm.Replay{ObsSize: replay.ObsSize, ActionSize: replay.ActionSize, Episodes: replay.Episodes[:cfg.SeedEpisodes]}
	want := ObsScale(seeds)
	if len(m.ObsScale) != 17 || !slices.Equal(m.ObsScale, want) {
		t.Fatalf("ObsScale %v, want the seed episodes' deviations %v", m.ObsScale, want)
	}
	for d, v := range want {
		if !(v > 0) || v == 1 {
			t.Errorf("dimension %d: deviation %v of random episodes, want a measured one", d, v)
		}
	}
	// Extended by an episode, the resumed run keeps the scale.
	cfg.Episodes = 3
	if _, err := Run(context.Background(), cfg, Options{Checkpoint: path}); err != nil {
		t.Fatal(err)
	}
	if m2, err := LoadModel(path); err != nil || !slices.Equal(m2.ObsScale, want) {
		t.Errorf("after resuming: ObsScale %v (%v), want %v", m2.ObsScale, err, want)
	}
	plain := Quick("cheetah.run")
	plain.Episodes = 1
	p2 := filepath.Join(t.TempDir(), "plain.bin")
	if _, err := Run(context.Background(), plain, Options{Checkpoint: p2}); err != nil {
		t.Fatal(err)
	}
	if m3, err := LoadModel(p2); err != nil || m3.ObsScale != nil {
		t.Errorf("without NormalizeObs: ObsScale %v (%v), want none", m3.ObsScale, err)
	}
}

// TestReplayCapacity checks Config.ReplayCapacity: the buffer keeps the
// newest episodes that fit, the checkpoint stores those (played back to the
// returns the run logged for them), and a resumed run gives the
// uninterrupted run's losses.
func TestReplayCapacity(t *testing.T) {
	cfg := Quick("cheetah.run")
	cfg.Episodes, cfg.ReplayCapacity = 3, 60 // quick episodes are 26 steps: 2 fit
	want, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Run(ctx, cfg, Options{Checkpoint: path, Progress: func(p Progress) {
		if p.Phase == "train" && p.Episode == cfg.SeedEpisodes+2 && p.Step == 5 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	got, err := Run(context.Background(), cfg, Options{Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Losses, want.Losses) {
		t.Errorf("losses after resuming with a capacity differ:\n got %+v\nwant %+v", got.Losses, want.Losses)
	}
	replay, err := LoadReplay(path)
	if err != nil {
		t.Fatal(err)
	}
	var logged []float64
	for _, e := range got.Episodes {
		if e.Kind == "seed" || e.Kind == "train" {
			logged = append(logged, e.Return)
		}
	}
	if len(replay.Episodes) != 2 || replay.Steps() > 60 {
		t.Fatalf("replay of %d episodes, %d steps; want the 2 newest within 60", len(replay.Episodes), replay.Steps())
	}
	for i, e := range replay.Episodes {
		if w := logged[len(logged)-2+i]; math.Abs(e.Return()-w) > 1e-4*(1+math.Abs(w)) {
			t.Errorf("kept episode %d returns %v, the run logged %v for it", i, e.Return(), w)
		}
	}
}

// TestBudgetNamesDeviations checks that a figure's budget label says when
// the model or the planner departs from PlaNet's.
func TestBudgetNamesDeviations(t *testing.T) {
	c := Steps100k("cheetah.run")
	if b := c.Budget(); strings.Contains(b, "normalized") || strings.Contains(b, "KL balance") {
		t.Errorf("PlaNet's settings labelled %q", b)
	}
	c.NormalizeObs, c.Model.KLBalance, c.MeanStates = true, 0.8, true
	b := c.Budget()
	for _, want := range []string{"normalized observations", "KL balance 0.8", "prior means"} {
		if !strings.Contains(b, want) {
			t.Errorf("label %q lacks %q", b, want)
		}
	}
}
