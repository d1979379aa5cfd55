package mujoco_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/dcem-go/dcem/envs/mujoco"
)

// A box on a vertical slide falls for one second under gravity.
func ExampleLoadXML() {
	m, err := mujoco.LoadXML(`<mujoco>
  <option timestep="0.01"/>
  <worldbody>
    <body name="box" pos="0 0 10">
      <joint type="slide" axis="0 0 1"/>
      <geom type="box" size=".1 .1 .1" contype="0" conaffinity="0"/>
    </body>
  </worldbody>
</mujoco>`)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	d, err := m.NewData()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	if err := d.Step(100); err != nil {
		fmt.Println(err)
		return
	}
	box, _ := m.BodyID("box")
	fmt.Printf("t = %.2f s, z = %.3f m, v = %.3f m/s\n", d.Time(), d.BodyPos(box)[2], d.Qvel()[0])
	// Output:
	// t = 1.00 s, z = 5.046 m, v = -9.810 m/s
}

// A model that does not compile gives an error, and the program carries on.
func ExampleLoadXML_error() {
	_, err := mujoco.LoadXML(`<mujoco><worldbody><geom type="sphere" size="-1"/></worldbody></mujoco>`)
	var merr *mujoco.Error
	fmt.Println(errors.As(err, &merr), merr.Op)
	// Output:
	// true LoadXML
}

// Looking up a name that the model lacks is an error naming it.
func ExampleModel_BodyID() {
	m, _ := mujoco.LoadXML(`<mujoco><worldbody><body name="arm"><geom size=".1"/></body></worldbody></mujoco>`)
	defer m.Close()
	_, err := m.BodyID("leg")
	fmt.Println(err)
	// Output:
	// mujoco: the model has no body named "leg"
}

// Pool.Rollouts runs open-loop rollouts of one model in parallel.
func ExamplePool_Rollouts() {
	m, _ := mujoco.LoadXML(benchPendulum)
	defer m.Close()
	p, _ := mujoco.NewPool(m, 2)
	defer p.Close()
	starts := []mujoco.State{
		{Qpos: []float64{0.5}, Qvel: []float64{0}},
		{Qpos: []float64{-0.5}, Qvel: []float64{0}},
	}
	// 3 control steps, each held for 50 physics steps of 2 ms.
	ctrl := [][]float64{{0, 0, 0}, {1, 1, 1}}
	trs, err := p.Rollouts(context.Background(), starts, ctrl, 50)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, tr := range trs {
		fmt.Printf("rollout %d: angle %.3f → %.3f\n", k, tr.Qpos[0], tr.Qpos[3])
	}
	// Output:
	// rollout 0: angle 0.500 → 0.224
	// rollout 1: angle -0.500 → 0.009
}
