package dmc

import (
	"math"
	"math/rand/v2"

	"github.com/dcem-go/dcem/envs/mujoco"
)

// runSpeedCheetah is the speed, in m/s, at which cheetah.run pays its full
// reward.
const runSpeedCheetah = 10

// cheetahRun is the cheetah.run task.
type cheetahRun struct {
	speedAdr int // address of the torso subtree's linear velocity in sensordata
}

func (c *cheetahRun) setup(m *mujoco.Model) error {
	s, err := m.SensorID("torso_subtreelinvel")
	if err != nil {
		return err
	}
	c.speedAdr, _, err = m.Sensor(s)
	return err
}

// initialize draws the limited joints uniformly in their ranges, lets the
// cheetah settle for 200 steps with zero controls, and sets time to 0.
func (c *cheetahRun) initialize(d *mujoco.Data, rng *rand.Rand) error {
	if err := randomizeJoints(d, rng, false); err != nil {
		return err
	}
	if err := d.Step(200); err != nil {
		return err
	}
	d.SetTime(0)
	return nil
}

// observe appends qpos[1:] (all positions but the forward one) and qvel.
func (c *cheetahRun) observe(dst []float64, d *mujoco.Data) []float64 {
	dst = append(dst, d.Qpos()[1:]...)
	return append(dst, d.Qvel()...)
}

// reward is tolerance(v, [10, ∞), margin 10, linear, 0 at the margin), that
// is clip(v/10, 0, 1), for the torso subtree's forward velocity v.
func (c *cheetahRun) reward(d *mujoco.Data) float64 {
	v := d.SensorData()[c.speedAdr]
	return Tolerance(v, runSpeedCheetah, math.Inf(1), runSpeedCheetah, Linear, 0)
}
