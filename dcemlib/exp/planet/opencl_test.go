//go:build opencl && cgo

package planet

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestRunOnDevice: a quick run whose planner imagines on the OpenCL
// device trains, plans and evaluates like the host run: the seed episodes
// (no planning) are identical and the planned episodes' returns agree
// closely (full-space CEM's plan is the mean of elite samples drawn on the
// host, so rounding in the imagined returns changes it only where it
// changes the elites); evaluation on the device works too.
func TestRunOnDevice(t *testing.T) {
	dev, err := tensor.OpenCLFromEnv()
	if err != nil {
		t.Fatalf("no OpenCL device for the device tests: %v", err)
	}
	cfg := Quick("cheetah.run")
	host, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	onDevice := 0
	onImagination = func(im *rssm.Imagination) {
		if im.Device() == dev {
			onDevice++
		}
	}
	defer func() { onImagination = nil }()
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	got, err := Run(context.Background(), cfg, Options{Device: dev, Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Episodes) != len(host.Episodes) || got.Decisions != host.Decisions {
		t.Fatalf("device run: %d episodes, %d decisions; host %d, %d", len(got.Episodes), got.Decisions, len(host.Episodes), host.Decisions)
	}
	for i, e := range got.Episodes {
		h := host.Episodes[i]
		if e.Kind == "seed" && e.Return != h.Return {
			t.Errorf("seed episode %d: return %v on the device run, %v on the host's", i, e.Return, h.Return)
		}
		if d := math.Abs(e.Return - h.Return); d > 0.25*math.Max(1, math.Abs(h.Return)) {
			t.Errorf("%s episode %d: return %.3f on the device, %.3f on the host", e.Kind, i, e.Return, h.Return)
		}
	}
	if onDevice != len(got.Episodes) {
		t.Errorf("%d of %d episodes imagined on %v", onDevice, len(got.Episodes), dev)
	}
	returns, err := Evaluate(context.Background(), path, EvalOptions{Episodes: 1, Seed: 3, Device: dev})
	if err != nil || len(returns) != 1 {
		t.Fatalf("evaluation on the device: %v, %v", returns, err)
	}
}
