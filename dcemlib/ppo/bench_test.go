package ppo

import (
	"context"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/cartpole"
)

// One minibatch step (policy and value, forward, backward, clipping, Adam)
// of 64 cartpole observations with 64×64 tanh networks, as an update of the
// standard settings (2048 steps, 32 minibatches) runs 320 of them.
func BenchmarkMinibatch64MLP64x64(b *testing.B) {
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		b.Run(dt.String(), func(b *testing.B) {
			rng := tensor.NewRNG(1)
			pol := NewGaussianMLP(5, 1, []int{64, 64}, 0, true, rng).Convert(dt)
			val := NewMLPValue(5, []int{64, 64}, rng).Convert(dt)
			tr, err := NewTrainer([]envs.Env{cartpole.NewEnv()}, pol, val, Standard(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			const n = 2048
			obs := fromValues(dt, randValues(rng, n*5), n, 5)
			act := fromValues(dt, randValues(rng, n), n, 1)
			lp := fromValues(dt, randValues(rng, n), n)
			adv := fromValues(dt, randValues(rng, n), n)
			ret := fromValues(dt, randValues(rng, n), n)
			idx := rng.Perm(n)[:64]
			a := tensor.NewArena()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, _, _, _, _, err := tr.policyStep(context.Background(), a, idx, obs, act, lp, adv); err != nil {
					b.Fatal(err)
				}
				tr.valueStep(a, idx, obs, ret, ret)
				a.Reset()
			}
		})
	}
}

// One whole update of the standard settings (2048 steps, 10 epochs of 32
// minibatches) on the cartpole with 64×64 networks.
func BenchmarkUpdate2048MLP64x64(b *testing.B) {
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		b.Run(dt.String(), func(b *testing.B) {
			rng := tensor.NewRNG(1)
			pol := NewGaussianMLP(5, 1, []int{64, 64}, 0, true, rng).Convert(dt)
			val := NewMLPValue(5, []int{64, 64}, rng).Convert(dt)
			cfg := Standard()
			cfg.Updates = 1 << 30
			tr, err := NewTrainer([]envs.Env{cartpole.NewEnv()}, pol, val, cfg, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := tr.Update(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func randValues(rng *tensor.RNG, n int) []float64 {
	v := make([]float64, n)
	rng.FillNormal(v)
	return v
}
