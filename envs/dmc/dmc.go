// Package dmc implements the two MuJoCo control tasks of the DCEM paper's
// PlaNet experiments (Amos & Yarats 2020, §5.2.2), cheetah.run and
// walker.walk, with the definitions of the DeepMind control suite (Tassa et
// al. 2018): the same observations, rewards, episode lengths and initial
// state distributions, on MJCF models of our own in models/ written from the
// published body dimensions, joint ranges and gear ratios.
//
// The models match the published geometry, joint ranges, gears and time
// steps, but masses and contact parameters follow our own files (the
// cheetah's total mass is set to 14 kg; the walker's comes from MuJoCo's
// default density), so returns are of the same scale as the suite's without
// being identical to them.
//
// An Env implements envs.Env. Wrap it in envs.ActionRepeat for the paper's
// action repeats (4 for cheetah, 2 for walker). Each model has a "side"
// camera that tracks the body, for mujoco.Renderer.
package dmc

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/mujoco"
)

//go:embed models/cheetah.xml
var cheetahXML string

//go:embed models/walker.xml
var walkerXML string

// ModelXML returns the MJCF document of a model of this package: "cheetah"
// or "walker".
func ModelXML(model string) (string, error) {
	switch model {
	case "cheetah":
		return cheetahXML, nil
	case "walker":
		return walkerXML, nil
	}
	return "", fmt.Errorf("dmc: unknown model %q, want \"cheetah\" or \"walker\"", model)
}

// task is one task's definition on its model.
type task interface {
	// setup looks up the names the task needs.
	setup(m *mujoco.Model) error
	// initialize draws the initial state of an episode into d.
	initialize(d *mujoco.Data, rng *rand.Rand) error
	// observe appends the observation of d's state to dst.
	observe(dst []float64, d *mujoco.Data) []float64
	// reward returns the reward of d's state.
	reward(d *mujoco.Data) float64
}

type spec struct {
	model    string
	obsSize  int
	substeps int // physics steps per control step
	maxSteps int // control steps per episode
	newTask  func() task
}

var tasks = map[string]spec{
	// Cheetah: physics step 0.01 s, control step 0.01 s, 10 s episodes.
	"cheetah.run": {"cheetah", 17, 1, 1000, func() task { return &cheetahRun{} }},
	// Walker: physics step 0.0025 s, control step 0.025 s, 25 s episodes.
	"walker.stand": {"walker", 24, 10, 1000, func() task { return &walker{moveSpeed: 0} }},
	"walker.walk":  {"walker", 24, 10, 1000, func() task { return &walker{moveSpeed: walkSpeed} }},
	"walker.run":   {"walker", 24, 10, 1000, func() task { return &walker{moveSpeed: runSpeed} }},
}

// Tasks returns the names of the tasks New accepts, sorted.
func Tasks() []string {
	names := make([]string, 0, len(tasks))
	for n := range tasks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Env is one instance of a task: a MuJoCo simulation state, an episode
// counter and the task's reward and observation. An Env must not be used by
// two goroutines at once; Clone makes independent copies sharing the model.
type Env struct {
	name    string
	spec    spec
	task    task
	model   *mujoco.Model
	data    *mujoco.Data
	lo, hi  []float64
	steps   int
	started bool
	done    bool
	// owner is set on the Env that loaded the model: only its Close
	// closes the model (which is freed once every Data of it is closed),
	// so closing a clone does not stop its siblings from cloning.
	owner bool
}

// New returns a fresh instance of the named task: "cheetah.run",
// "walker.walk" (the paper's two), "walker.stand" or "walker.run".
func New(name string) (*Env, error) {
	sp, ok := tasks[name]
	if !ok {
		return nil, fmt.Errorf("dmc: unknown task %q, want one of %q", name, Tasks())
	}
	xml, _ := ModelXML(sp.model)
	m, err := mujoco.LoadXML(xml)
	if err != nil {
		return nil, fmt.Errorf("dmc: %s: %w", name, err)
	}
	e, err := newEnv(name, sp, m)
	if err != nil {
		m.Close()
		return nil, err
	}
	e.owner = true
	return e, nil
}

// NewCheetahRun returns a cheetah.run environment: reward clip(v/10, 0, 1)
// for the torso subtree's forward velocity v, observation qpos[1:] and qvel
// (17 numbers), 1000 steps of 0.01 s.
func NewCheetahRun() (*Env, error) { return New("cheetah.run") }

// NewWalkerWalk returns a walker.walk environment: reward
// stand·(5·move + 1)/6 (see walker.reward), observation of body
// orientations, torso height and velocities (24 numbers), 1000 control steps
// of 0.025 s.
func NewWalkerWalk() (*Env, error) { return New("walker.walk") }

func newEnv(name string, sp spec, m *mujoco.Model) (*Env, error) {
	t := sp.newTask()
	if err := t.setup(m); err != nil {
		return nil, fmt.Errorf("dmc: %s: %w", name, err)
	}
	d, err := m.NewData()
	if err != nil {
		return nil, fmt.Errorf("dmc: %s: %w", name, err)
	}
	e := &Env{name: name, spec: sp, task: t, model: m, data: d}
	for i := range m.NU() {
		lo, hi, _, err := m.CtrlRange(i)
		if err != nil {
			d.Close()
			return nil, err
		}
		e.lo = append(e.lo, lo)
		e.hi = append(e.hi, hi)
	}
	return e, nil
}

// Clone returns a new, not yet reset, instance of e's task sharing e's
// compiled model. Clones can be stepped in parallel with e and each other.
// Clone e before closing it.
func (e *Env) Clone() (*Env, error) {
	return newEnv(e.name, e.spec, e.model)
}

// CopyStateFrom makes e continue src's episode: the simulation state and
// the step count (so that e's episode ends where src's does). e and src
// must be the same task, e a Clone of src or src of e.
func (e *Env) CopyStateFrom(src *Env) error {
	if src == nil || src.name != e.name {
		return fmt.Errorf("dmc: CopyStateFrom: want an environment of task %s", e.name)
	}
	if err := e.data.CopyFrom(src.data); err != nil {
		return fmt.Errorf("dmc: %s: CopyStateFrom: %w", e.name, err)
	}
	e.started, e.done, e.steps = src.started, src.done, src.steps
	return nil
}

// Close frees the simulation state. Closing the Env that loaded the model
// (not a clone) also releases the model, which is freed once every Env
// sharing it is closed: make clones before that. Close is idempotent.
func (e *Env) Close() error {
	err := e.data.Close()
	if e.owner {
		if merr := e.model.Close(); err == nil {
			err = merr
		}
	}
	return err
}

// Name returns the task's name, such as "cheetah.run".
func (e *Env) Name() string { return e.name }

// Data returns the simulation state, for reading physical quantities; writing
// to it changes the episode.
func (e *Env) Data() *mujoco.Data { return e.data }

// Model returns the compiled model.
func (e *Env) Model() *mujoco.Model { return e.model }

// ControlTimestep returns the simulated seconds per Step.
func (e *Env) ControlTimestep() float64 {
	return float64(e.spec.substeps) * e.model.Timestep()
}

// MaxSteps returns the number of Steps per episode.
func (e *Env) MaxSteps() int { return e.spec.maxSteps }

// StepCount returns the number of Steps since the last Reset.
func (e *Env) StepCount() int { return e.steps }

// ObservationSize returns the length of observations: 17 for cheetah, 24
// for walker.
func (e *Env) ObservationSize() int { return e.spec.obsSize }

// ActionSize returns the number of actuators, 6 for both models.
func (e *Env) ActionSize() int { return len(e.lo) }

// ActionBounds returns copies of the actuators' control ranges, [-1, 1].
func (e *Env) ActionBounds() (lo, hi []float64) {
	return append([]float64(nil), e.lo...), append([]float64(nil), e.hi...)
}

// seedStream separates this package's random stream from other users of
// the same seed.
const seedStream = 0x646d63 // "dmc"

// Reset starts an episode with the task's random initial state drawn from
// seed, and returns the first observation.
func (e *Env) Reset(seed uint64) ([]float64, error) {
	rng := rand.New(rand.NewPCG(seed, seedStream))
	e.started, e.done, e.steps = false, false, 0
	if err := e.data.Reset(); err != nil {
		return nil, fmt.Errorf("dmc: %s: Reset: %w", e.name, err)
	}
	if err := e.task.initialize(e.data, rng); err != nil {
		return nil, fmt.Errorf("dmc: %s: Reset: %w", e.name, err)
	}
	e.started = true
	return e.task.observe(make([]float64, 0, e.spec.obsSize), e.data), nil
}

// Step applies action (clamped to ActionBounds) for one control step and
// returns the observation and reward of the new state; done is true after
// MaxSteps steps. A MuJoCo warning or error (an unstable simulation) ends
// the episode and is returned.
func (e *Env) Step(action []float64) (obs []float64, reward float64, done bool, err error) {
	switch {
	case !e.started:
		return nil, 0, false, fmt.Errorf("dmc: %s: %w", e.name, envs.ErrNotReset)
	case e.done:
		return nil, 0, true, fmt.Errorf("dmc: %s: %w", e.name, envs.ErrEpisodeOver)
	}
	if err := envs.CheckAction(action, e.lo, e.hi); err != nil {
		return nil, 0, false, fmt.Errorf("dmc: %s: Step: %w", e.name, err)
	}
	envs.Clamp(e.data.Ctrl(), action, e.lo, e.hi)
	if err := e.data.Step(e.spec.substeps); err != nil {
		e.done = true
		return nil, 0, true, fmt.Errorf("dmc: %s: Step %d: %w", e.name, e.steps, err)
	}
	e.steps++
	e.done = e.steps >= e.spec.maxSteps
	obs = e.task.observe(make([]float64, 0, e.spec.obsSize), e.data)
	return obs, e.task.reward(e.data), e.done, nil
}

// Reward returns the task's reward for the current state, without stepping.
func (e *Env) Reward() float64 { return e.task.reward(e.data) }

// Observation returns the observation of the current state, without
// stepping.
func (e *Env) Observation() []float64 {
	return e.task.observe(make([]float64, 0, e.spec.obsSize), e.data)
}

// randomizeJoints sets every limited hinge or slide joint of d
// uniformly in its range, and with rotational also every unlimited hinge
// uniformly in [-π, π) (dm_control's randomizers). Draws are made in joint
// order, one per randomized joint.
func randomizeJoints(d *mujoco.Data, rng *rand.Rand, rotational bool) error {
	m := d.Model()
	q := d.Qpos()
	for j := range m.NJoint() {
		jt, err := m.Joint(j)
		if err != nil {
			return err
		}
		switch {
		case jt.Type == mujoco.JointFree || jt.Type == mujoco.JointBall:
			return errors.New("dmc: free and ball joints are not randomized")
		case jt.Limited:
			q[jt.QposAdr] = jt.Range[0] + (jt.Range[1]-jt.Range[0])*rng.Float64()
		case rotational && jt.Type == mujoco.JointHinge:
			q[jt.QposAdr] = -math.Pi + 2*math.Pi*rng.Float64()
		}
	}
	return d.Forward()
}

// Interface check.
var _ envs.Env = (*Env)(nil)
