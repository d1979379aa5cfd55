package dmc

import (
	"math"
	"math/rand/v2"

	"github.com/dcem-go/dcem/envs/mujoco"
)

// Walker task constants (dm_control suite, walker.py).
const (
	standHeight = 1.2 // torso height, in m, above which the walker stands
	walkSpeed   = 1   // m/s for the full walk reward
	runSpeed    = 8   // m/s for the full run reward
)

// walker is the walker.stand (moveSpeed 0), walker.walk and walker.run task.
type walker struct {
	moveSpeed float64
	torso     int // body index
	speedAdr  int // torso subtree linear velocity in sensordata
}

func (w *walker) setup(m *mujoco.Model) error {
	var err error
	if w.torso, err = m.BodyID("torso"); err != nil {
		return err
	}
	s, err := m.SensorID("torso_subtreelinvel")
	if err != nil {
		return err
	}
	w.speedAdr, _, err = m.Sensor(s)
	return err
}

// initialize draws the limited joints uniformly in their ranges and the
// torso pitch uniformly in [-π, π).
func (w *walker) initialize(d *mujoco.Data, rng *rand.Rand) error {
	return randomizeJoints(d, rng, true)
}

// observe appends the orientations (the xx and xz entries of every body's
// rotation matrix, 14 numbers), the torso height and qvel (9 numbers).
func (w *walker) observe(dst []float64, d *mujoco.Data) []float64 {
	for b := 1; b < d.Model().NBody(); b++ {
		x := d.BodyXMat(b)
		dst = append(dst, x[0], x[2])
	}
	dst = append(dst, d.BodyPos(w.torso)[2])
	return append(dst, d.Qvel()...)
}

// reward is stand·(5·move + 1)/6 with
// stand = (3·tolerance(height, [1.2, ∞), margin 0.6, gaussian, 0.1) + upright)/4,
// upright = (1 + zz)/2 for the torso's z axis projected on the world's, and
// move = tolerance(vx, [speed, ∞), margin speed/2, linear, 0.5); walker.stand
// returns stand alone.
func (w *walker) reward(d *mujoco.Data) float64 {
	height := d.BodyPos(w.torso)[2]
	standing := Tolerance(height, standHeight, math.Inf(1), standHeight/2, Gaussian, 0.1)
	upright := (1 + d.BodyXMat(w.torso)[8]) / 2
	stand := (3*standing + upright) / 4
	if w.moveSpeed == 0 {
		return stand
	}
	vx := d.SensorData()[w.speedAdr]
	move := Tolerance(vx, w.moveSpeed, math.Inf(1), w.moveSpeed/2, Linear, 0.5)
	return stand * (5*move + 1) / 6
}
