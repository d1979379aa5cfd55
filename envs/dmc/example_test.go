package dmc_test

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/dmc"
)

// One episode of cheetah.run with the paper's action repeat of 4, driven by
// an open-loop gait: a 3 Hz sine per joint, the front leg in anti-phase.
func ExampleNewCheetahRun() {
	cheetah, err := dmc.NewCheetahRun()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cheetah.Close()
	env, _ := envs.NewActionRepeat(cheetah, 4)
	obs, _ := env.Reset(0)
	fmt.Println("observation size:", len(obs), "action size:", env.ActionSize())
	ret, steps := 0.0, 0
	for {
		t := float64(steps) * 4 * cheetah.ControlTimestep()
		a := make([]float64, 6)
		for i := range a {
			phase := 0.5 * float64(i%3)
			if i >= 3 {
				phase += 3
			}
			a[i] = math.Sin(2*math.Pi*3*t + phase)
		}
		_, r, done, err := env.Step(a)
		if err != nil {
			fmt.Println(err)
			return
		}
		ret += r
		steps++
		if done {
			break
		}
	}
	fmt.Printf("%d agent steps, return %.0f\n", steps, ret)
	// Output:
	// observation size: 17 action size: 6
	// 250 agent steps, return 34
}

// Rewards of walker.walk at hand-made states.
func ExampleNewWalkerWalk() {
	walker, err := dmc.NewWalkerWalk()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer walker.Close()
	// The reference pose: standing upright at rest.
	d := walker.Data()
	d.Reset()
	fmt.Printf("standing still: %.4f\n", walker.Reward())
	// The same pose moving forward at 1 m/s.
	v := make([]float64, d.Model().NQ())
	v[1] = 1 // rootx
	d.SetQvel(v)
	fmt.Printf("walking at 1 m/s: %.4f\n", walker.Reward())
	// Output:
	// standing still: 0.1667
	// walking at 1 m/s: 1.0000
}

// Tolerance is the shaped reward of the DeepMind control suite: 1 inside
// the bounds, decaying to valueAtMargin at margin away.
func ExampleTolerance() {
	for _, h := range []float64{1.3, 1.2, 0.9, 0.6} {
		fmt.Printf("height %.1f: %.3f\n", h, dmc.Tolerance(h, 1.2, 10, 0.6, dmc.Gaussian, 0.1))
	}
	// Output:
	// height 1.3: 1.000
	// height 1.2: 1.000
	// height 0.9: 0.562
	// height 0.6: 0.100
}
