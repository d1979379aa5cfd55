package latent

import (
	"context"
	"runtime"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// BenchmarkDecision times one planning decision on a cheetah-sized model
// (rssm.Default(17, 6)) in float32 without a graph: latent DCEM with the
// paper's settings (100 samples, 10 elites, τ 1, 10 iterations, horizon 12;
// a latent of 8 decoded through two ELU layers of 128) against PlaNet's
// full-space CEM (1000 candidates, 100 elites, 10 iterations), which
// imagines ten times as many sequences.
func BenchmarkDecision(b *testing.B) {
	m, err := rssm.New(rssm.Default(17, 6), tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	f := m.NewFilter(2)
	obs := make([]float64, 17)
	tensor.NewRNG(3).FillNormal(obs)
	if err := f.Observe(obs, nil); err != nil {
		b.Fatal(err)
	}
	h, s := f.Belief()
	b.Run("latentDCEM100x12x10", func(b *testing.B) {
		c, err := NewController(m, 8, 12, []int{128, 128}, PaperSolver(), tensor.NewRNG(4))
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			if _, err := c.Act(context.Background(), h, s, uint64(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fullCEM1000x12x10", func(b *testing.B) {
		im, err := m.NewImagination(runtime.GOMAXPROCS(0), 5)
		if err != nil {
			b.Fatal(err)
		}
		defer im.Free()
		if err := im.SetStart(h, s); err != nil {
			b.Fatal(err)
		}
		p := control.PlaNetCEM()
		for i := 0; i < b.N; i++ {
			if _, err := p.Plan(context.Background(), im, uint64(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
