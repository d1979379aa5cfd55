package mujoco_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dcem-go/dcem/envs/internal/cloop"
	"github.com/dcem-go/dcem/envs/mujoco"
)

const benchPendulum = `<mujoco model="pendulum">
  <compiler angle="radian"/>
  <option timestep="0.002"/>
  <worldbody>
    <body name="pole" pos="0 0 2">
      <joint name="hinge" type="hinge" axis="0 1 0" damping="0.05"/>
      <geom type="capsule" fromto="0 0 0 0 0 -1" size="0.05" mass="1"/>
    </body>
  </worldbody>
  <actuator>
    <motor joint="hinge" gear="2" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>`

// BenchmarkPendulumStep1 measures one physics step of a pendulum, the
// cheapest model there is, so that the fixed cost of a call from Go (cgo,
// the error guard, warning checks) shows: go calls Data.Step(1) per step
// after writing the control, c runs all steps in one C loop.
func BenchmarkPendulumStep1(b *testing.B) {
	m, err := mujoco.LoadXML(benchPendulum)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	d, _ := m.NewData()
	defer d.Close()
	const n = 1000
	ctrl := make([]float64, n)
	for i := range ctrl {
		ctrl[i] = float64(i%7)/3 - 1
	}
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			d.Reset()
			c := d.Ctrl()
			for i := range n {
				c[0] = ctrl[i]
				if err := d.Step(1); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/step")
	})
	b.Run("c", func(b *testing.B) {
		for b.Loop() {
			d.Reset()
			cloop.Run(d, ctrl, 1, -1, 1)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/step")
	})
}

// BenchmarkRollouts measures Pool.Rollouts of 64 pendulum rollouts of 200
// control steps of 5 physics steps on 1 and 2 workers.
func BenchmarkRollouts(b *testing.B) {
	m, err := mujoco.LoadXML(benchPendulum)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	const n, steps, substeps = 64, 200, 5
	starts := make([]mujoco.State, n)
	ctrl := make([][]float64, n)
	for k := range n {
		starts[k] = mujoco.State{Qpos: []float64{float64(k) / n}, Qvel: []float64{0}}
		ctrl[k] = make([]float64, steps)
		for i := range ctrl[k] {
			ctrl[k][i] = float64((i+k)%5)/2 - 1
		}
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("rollouts=%d/workers=%d", n, workers), func(b *testing.B) {
			p, err := mujoco.NewPool(m, workers)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			for b.Loop() {
				if _, err := p.Rollouts(context.Background(), starts, ctrl, substeps); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n*steps*substeps)/b.Elapsed().Seconds(), "physics-steps/s")
		})
	}
}

// BenchmarkRender640x480 measures one offscreen frame of the cheetah-sized
// test scene, shadows and reflections off, read back to an image.
func BenchmarkRender640x480(b *testing.B) {
	m, err := mujoco.LoadXML(`<mujoco><worldbody>
  <light pos="0 0 5" dir="0 0 -1" directional="true"/>
  <geom type="plane" size="5 5 .1" rgba=".5 .5 .5 1"/>
  <body pos="0 0 1"><joint type="slide" axis="1 0 0"/><geom type="capsule" fromto="-.5 0 0 .5 0 0" size=".05"/></body>
  <camera name="front" pos="0 -4 1" xyaxes="1 0 0 0 0 1"/>
</worldbody></mujoco>`)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	d, _ := m.NewData()
	defer d.Close()
	r, err := mujoco.NewRenderer(m)
	if err != nil {
		b.Skip(err)
	}
	defer r.Close()
	for b.Loop() {
		if _, err := r.Render(d, 0, 640, 480); err != nil {
			b.Fatal(err)
		}
	}
}
