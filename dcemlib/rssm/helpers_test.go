package rssm

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// startedImagination returns a model of the default sizes for obs
// observations and act actions in dt, and an imagination over it on
// GOMAXPROCS workers, started from the belief filtered after one random
// observation. The imagination is freed when t ends.
func startedImagination(t testing.TB, dt tensor.DType, obs, act int) (*Model, *Imagination) {
	t.Helper()
	m, err := New(Default(obs, act), dt, tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	im, err := m.NewImagination(runtime.GOMAXPROCS(0), 77)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(im.Free)
	f := m.NewFilter(1)
	o := make([]float64, obs)
	tensor.NewRNG(6).FillNormal(o)
	if err := f.Observe(o, nil); err != nil {
		t.Fatal(err)
	}
	if err := im.SetStart(f.Belief()); err != nil {
		t.Fatal(err)
	}
	return m, im
}

// benchPlans times b.N decisions of p in im, after one untimed decision
// that fills the caches (and compiles a device's kernels), and reports the
// rate of the imagination's matrix products as GFLOP/s. It returns the
// seconds per decision.
func benchPlans(b *testing.B, m *Model, im *Imagination, p control.CEMPlanner) float64 {
	b.Helper()
	if _, err := p.Plan(context.Background(), im, 0); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := p.Plan(context.Background(), im, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(p.FLOPs(m.StepFLOPs())/sec/1e9, "GFLOP/s")
	return sec
}
