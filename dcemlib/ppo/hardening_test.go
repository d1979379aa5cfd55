package ppo

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// A checkpoint saved before the first update (Options.Extra's state, such
// as an evaluation made before training) resumes: the Trainer starts with
// update 1, the Extra state restored, and runs as an uninterrupted one.
func TestCheckpointBeforeFirstUpdate(t *testing.T) {
	cfg := episodeConfig()
	cfg.Updates = 2
	pol, val := networks(3, 8, tensor.Float64)
	want, err := Train(context.Background(), &walk{Len: 6}, pol, val, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "ppo.bin")
	pol, val = networks(3, 8, tensor.Float64)
	tr, err := NewTrainer([]envs.Env{&walk{Len: 6}}, pol, val, cfg, Options{Checkpoint: path, Extra: &note{text: "evaluated"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.SaveCheckpoint(); err != nil {
		t.Fatal(err)
	}
	saved, err := LoadResult(path)
	if err != nil {
		t.Fatalf("LoadResult of a checkpoint before the first update: %v", err)
	}
	if len(saved.Logs) != 0 || saved.TotalSteps != 0 {
		t.Errorf("LoadResult before the first update: %+v, want an empty record", saved)
	}
	restored := &note{}
	pol, val = networks(3, 8, tensor.Float64)
	tr, err = NewTrainer([]envs.Env{&walk{Len: 6}}, pol, val, cfg, Options{Checkpoint: path, Extra: restored})
	if err != nil {
		t.Fatalf("resuming a checkpoint saved before the first update: %v", err)
	}
	if tr.Updates() != 0 || restored.text != "evaluated" {
		t.Errorf("resumed with %d updates and Extra %q, want 0 and %q", tr.Updates(), restored.text, "evaluated")
	}
	got, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(withoutSeconds(got.Logs), withoutSeconds(want.Logs)) {
		t.Errorf("the resumed run's logs differ from an uninterrupted run's:\n got %+v\nwant %+v", got.Logs, want.Logs)
	}
}

// A Result whose logs hold NaN (an update in which no episode ended) or
// infinities encodes as JSON and decodes to the same values; finite values
// encode as plain numbers.
func TestUpdateLogJSON(t *testing.T) {
	logs := []UpdateLog{
		{Update: 1, Steps: 5, TotalSteps: 5, MeanReturn: math.NaN(), PolicyLoss: 0.25, ValueLoss: 1.5, Entropy: -0.5,
			ApproxKL: math.Inf(1), ClipFraction: 0.125, KL: []float64{0, math.NaN(), math.Inf(-1)}, PolicySteps: 2,
			ExplainedVariance: math.NaN(), LR: 3e-4, Seconds: 0.5},
		{Update: 2, Steps: 5, TotalSteps: 10, Episodes: 1, MeanReturn: 3, KL: []float64{1e-3}, LR: 1e-4},
	}
	res := &Result{Logs: logs, Returns: []float64{3}, TotalSteps: 10}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("json.Marshal of a Result with NaN in its logs: %v", err)
	}
	for _, want := range []string{`"MeanReturn":null`, `"ExplainedVariance":null`, `"ApproxKL":"+Inf"`, `"KL":[0,null,"-Inf"]`, `"PolicyLoss":0.25`, `"MeanReturn":3`, `"LR":0.0003`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Logs) != 2 {
		t.Fatalf("decoded %d logs, want 2", len(back.Logs))
	}
	l := back.Logs[0]
	if !math.IsNaN(l.MeanReturn) || !math.IsNaN(l.ExplainedVariance) || !math.IsInf(l.ApproxKL, 1) ||
		len(l.KL) != 3 || l.KL[0] != 0 || !math.IsNaN(l.KL[1]) || !math.IsInf(l.KL[2], -1) {
		t.Errorf("decoded %+v, want NaN, NaN, +Inf and KL [0 NaN -Inf]", l)
	}
	l.MeanReturn, l.ExplainedVariance, l.ApproxKL, l.KL = 0, 0, 0, nil
	w := logs[0]
	w.MeanReturn, w.ExplainedVariance, w.ApproxKL, w.KL = 0, 0, 0, nil
	if !reflect.DeepEqual(l, w) || !reflect.DeepEqual(back.Logs[1], logs[1]) {
		t.Errorf("decoded %+v, want %+v", back.Logs, logs)
	}
	var bad UpdateLog
	if err := json.Unmarshal([]byte(`{"MeanReturn":"many"}`), &bad); err == nil {
		t.Error(`MeanReturn "many": no error`)
	}
}

// Every field of UpdateLog survives its JSON round trip, so that a field
// added to UpdateLog and forgotten in its JSON methods is caught.
func TestUpdateLogJSONHasEveryField(t *testing.T) {
	var l UpdateLog
	v := reflect.ValueOf(&l).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(int64(i + 1))
		case reflect.Float64:
			f.SetFloat(float64(i) + 0.5)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]float64{float64(i), 0.25}))
		default:
			t.Fatalf("UpdateLog.%s has kind %v: extend this test and UpdateLog's JSON methods", v.Type().Field(i).Name, f.Kind())
		}
	}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back UpdateLog
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, l) {
		t.Errorf("round trip through %s gave %+v, want %+v", b, back, l)
	}
}

// failing is a policy whose Distribution fails after its first ok calls,
// and that records whether it was given its caller's context.
type failing struct {
	*GaussianMLP
	ok      int
	calls   int
	foreign int // calls whose context is not the caller's
}

type ctxKey struct{}

var errSolver = errors.New("the solver failed")

func (p *failing) Distribution(ctx context.Context, obs *tensor.Tensor) (mean, logStd *tensor.Tensor, err error) {
	p.calls++
	if ctx.Value(ctxKey{}) != "caller" {
		p.foreign++
	}
	if p.calls > p.ok {
		return nil, nil, errSolver
	}
	return p.GaussianMLP.Distribution(ctx, obs)
}

// A policy's error stops acting, updating and evaluating with that error
// (no panic), and the policy is given the caller's context.
func TestPolicyError(t *testing.T) {
	ctx := context.WithValue(context.Background(), ctxKey{}, "caller")
	cfg := tinyConfig()
	for _, ok := range []int{0, 5} { // fail while acting; in the first minibatch
		rng := tensor.NewRNG(5)
		pol := &failing{GaussianMLP: NewGaussianMLP(2, 1, []int{4}, 0, true, rng), ok: ok}
		tr, err := NewTrainer([]envs.Env{&counter{Len: 3}}, pol, NewMLPValue(2, []int{4}, rng), cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		before := paramValues(pol.Params())
		if _, err := tr.Update(ctx); !errors.Is(err, errSolver) {
			t.Errorf("ok = %d: Update: %v, want the policy's error", ok, err)
		}
		if pol.calls != ok+1 || pol.foreign != 0 {
			t.Errorf("ok = %d: %d calls, %d with another context; want %d, 0", ok, pol.calls, pol.foreign, ok+1)
		}
		if !reflect.DeepEqual(paramValues(pol.Params()), before) || tr.Updates() != 0 {
			t.Errorf("ok = %d: a failed update changed the parameters or counted", ok)
		}
	}
	pol := &failing{GaussianMLP: NewGaussianMLP(2, 1, []int{4}, 0, true, tensor.NewRNG(1)), ok: 2}
	ret, err := Evaluate(ctx, &counter{Len: 5}, pol, 1, 0)
	if !errors.Is(err, errSolver) || len(ret) != 0 || pol.foreign != 0 {
		t.Errorf("Evaluate: %v, %v, %d calls with another context; want the policy's error, no returns, 0", ret, err, pol.foreign)
	}
}
