package dmc

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/internal/cloop"
	"github.com/dcem-go/dcem/envs/mujoco"
)

func openTask(t testing.TB, name string) *Env {
	t.Helper()
	e, err := New(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestModelsLoad(t *testing.T) {
	for _, tc := range []struct {
		task          string
		nq, nu, nbody int
		obs           int
		dt, controlDt float64
		joint         string
		lo, hi        float64
	}{
		{"cheetah.run", 9, 6, 8, 17, 0.01, 0.01, "bthigh", -.52, 1.05},
		{"walker.walk", 9, 6, 8, 24, 0.0025, 0.025, "right_hip", -20 * math.Pi / 180, 100 * math.Pi / 180},
	} {
		e := openTask(t, tc.task)
		m := e.Model()
		if m.NQ() != tc.nq || m.NV() != tc.nq || m.NU() != tc.nu || m.NBody() != tc.nbody {
			t.Errorf("%s: nq, nv, nu, nbody = %d, %d, %d, %d; want %d, %d, %d, %d",
				tc.task, m.NQ(), m.NV(), m.NU(), m.NBody(), tc.nq, tc.nq, tc.nu, tc.nbody)
		}
		if e.ObservationSize() != tc.obs || len(e.Observation()) != tc.obs {
			t.Errorf("%s: observation size %d (%d observed), want %d", tc.task, e.ObservationSize(), len(e.Observation()), tc.obs)
		}
		if m.Timestep() != tc.dt || math.Abs(e.ControlTimestep()-tc.controlDt) > 1e-15 {
			t.Errorf("%s: timesteps %v, %v; want %v, %v", tc.task, m.Timestep(), e.ControlTimestep(), tc.dt, tc.controlDt)
		}
		j, err := m.JointID(tc.joint)
		if err != nil {
			t.Fatal(err)
		}
		jt, _ := m.Joint(j)
		if !jt.Limited || math.Abs(jt.Range[0]-tc.lo) > 1e-12 || math.Abs(jt.Range[1]-tc.hi) > 1e-12 {
			t.Errorf("%s: joint %s range %v (limited %v), want [%v, %v]", tc.task, tc.joint, jt.Range, jt.Limited, tc.lo, tc.hi)
		}
		lo, hi := e.ActionBounds()
		for i := range lo {
			if lo[i] != -1 || hi[i] != 1 {
				t.Errorf("%s: action bounds %v, %v; want ±1", tc.task, lo, hi)
				break
			}
		}
	}
}

func TestUnknownTask(t *testing.T) {
	_, err := New("cheetah.walk")
	if err == nil || !strings.Contains(err.Error(), `"cheetah.walk"`) || !strings.Contains(err.Error(), "cheetah.run") {
		t.Errorf("New(cheetah.walk): %v, want an error naming it and the valid tasks", err)
	}
	if _, err := ModelXML("hopper"); err == nil {
		t.Error("ModelXML(hopper) returned no error")
	}
}

// setState puts e's model in its reference pose, then sets the named
// joints' positions and velocities and recomputes everything.
func setState(t *testing.T, e *Env, qpos map[string]float64, qvel map[string]float64) {
	t.Helper()
	d := e.Data()
	if err := d.Reset(); err != nil {
		t.Fatal(err)
	}
	for name, v := range qpos {
		j, err := e.Model().JointID(name)
		if err != nil {
			t.Fatal(err)
		}
		jt, _ := e.Model().Joint(j)
		d.Qpos()[jt.QposAdr] = v
	}
	for name, v := range qvel {
		j, err := e.Model().JointID(name)
		if err != nil {
			t.Fatal(err)
		}
		jt, _ := e.Model().Joint(j)
		d.Qvel()[jt.DofAdr] = v
	}
	if err := d.Forward(); err != nil {
		t.Fatal(err)
	}
}

func TestCheetahReward(t *testing.T) {
	e := openTask(t, "cheetah.run")
	// A translating cheetah's subtree velocity is the slide velocity, and the
	// reward is clip(v/10, 0, 1).
	for _, tc := range []struct{ v, want float64 }{
		{0, 0}, {5, 0.5}, {2.5, 0.25}, {10, 1}, {12, 1}, {-3, 0},
	} {
		setState(t, e, nil, map[string]float64{"rootx": tc.v})
		if got := e.Reward(); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("forward velocity %v: reward %v, want %v ± 1e-12", tc.v, got, tc.want)
		}
	}
	// Standing still after the reset's settling pays (almost) nothing.
	for seed := range uint64(3) {
		if _, err := e.Reset(seed); err != nil {
			t.Fatal(err)
		}
		if r := e.Reward(); r > 0.01 {
			t.Errorf("seed %d: reward after settling %v, want ≤ 0.01", seed, r)
		}
		if e.Data().Time() != 0 {
			t.Errorf("seed %d: time after reset %v, want 0", seed, e.Data().Time())
		}
	}
}

func TestCheetahObservation(t *testing.T) {
	e := openTask(t, "cheetah.run")
	obs, err := e.Reset(5)
	if err != nil {
		t.Fatal(err)
	}
	q, v := e.Data().Qpos(), e.Data().Qvel()
	for i := range 8 {
		if obs[i] != q[i+1] {
			t.Fatalf("obs[%d] = %v, want qpos[%d] = %v", i, obs[i], i+1, q[i+1])
		}
	}
	for i := range 9 {
		if obs[8+i] != v[i] {
			t.Fatalf("obs[%d] = %v, want qvel[%d] = %v", 8+i, obs[8+i], i, v[i])
		}
	}
}

func TestWalkerReward(t *testing.T) {
	stand := openTask(t, "walker.stand")
	walk := openTask(t, "walker.walk")
	for _, tc := range []struct {
		name       string
		qpos, qvel map[string]float64
		stand      float64
		walk       float64
	}{
		// Upright at rest at 1.3 m: stands fully, does not move.
		{"upright at rest", nil, nil, 1, 1.0 / 6},
		// Torso horizontal at the same height: upright = 1/2.
		{"lying in the air", map[string]float64{"rooty": math.Pi / 2}, nil, (3 + 0.5) / 4, (3 + 0.5) / 4 / 6},
		// Upside down: upright = 0.
		{"upside down", map[string]float64{"rooty": math.Pi}, nil, 3.0 / 4, 3.0 / 4 / 6},
		// Lowered to 0.6 m = the margin below 1.2 m: standing = 0.1.
		{"crouched", map[string]float64{"rootz": -0.7}, nil, (3*0.1 + 1) / 4, (3*0.1 + 1) / 4 / 6},
		// Walking at 1 m/s: move = 1.
		{"walking", nil, map[string]float64{"rootx": 1}, 1, 1},
		// 0.75 m/s: a quarter margin short, linear with 0.5 at the margin: move = 0.75.
		{"slow", nil, map[string]float64{"rootx": 0.75}, 1, (5*0.75 + 1) / 6},
		// 0.5 m/s is at the margin: move = 0.5.
		{"at margin", nil, map[string]float64{"rootx": 0.5}, 1, (5*0.5 + 1) / 6},
	} {
		setState(t, stand, tc.qpos, tc.qvel)
		setState(t, walk, tc.qpos, tc.qvel)
		const tol = 1e-9
		if got := stand.Reward(); math.Abs(got-tc.stand) > tol {
			t.Errorf("%s: walker.stand reward %v, want %v ± %g", tc.name, got, tc.stand, tol)
		}
		if got := walk.Reward(); math.Abs(got-tc.walk) > tol {
			t.Errorf("%s: walker.walk reward %v, want %v ± %g", tc.name, got, tc.walk, tol)
		}
	}
}

func TestWalkerObservation(t *testing.T) {
	e := openTask(t, "walker.walk")
	setState(t, e, nil, map[string]float64{"rootx": 0.3})
	obs := e.Observation()
	// Upright reference pose: every body's x axis is the world's, so xx = 1
	// and xz = 0; then the height 1.3 m and the velocities.
	for b := range 7 {
		if math.Abs(obs[2*b]-1) > 1e-12 || math.Abs(obs[2*b+1]) > 1e-12 {
			t.Errorf("body %d orientation (%v, %v), want (1, 0)", b+1, obs[2*b], obs[2*b+1])
		}
	}
	if math.Abs(obs[14]-1.3) > 1e-12 {
		t.Errorf("height %v, want 1.3", obs[14])
	}
	if obs[16] != 0.3 {
		t.Errorf("qvel[rootx] observed as %v, want 0.3", obs[16])
	}
}

// randomReturn runs one episode with uniform random actions drawn from
// policySeed.
func randomReturn(t *testing.T, e envs.Env, seed, policySeed uint64) (float64, int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(policySeed, 0))
	lo, hi := e.ActionBounds()
	if _, err := e.Reset(seed); err != nil {
		t.Fatal(err)
	}
	a := make([]float64, e.ActionSize())
	ret, steps := 0.0, 0
	for {
		for i := range a {
			a[i] = lo[i] + (hi[i]-lo[i])*rng.Float64()
		}
		_, r, done, err := e.Step(a)
		if err != nil {
			t.Fatal(err)
		}
		ret += r
		steps++
		if done {
			return ret, steps
		}
	}
}

func TestRandomPolicyReturn(t *testing.T) {
	if testing.Short() {
		t.Skip("full episodes")
	}
	// Uniform random actions score low: a few percent of the maximum 1000.
	for _, tc := range []struct {
		task   string
		lo, hi float64
	}{
		{"cheetah.run", 0, 30},
		{"walker.walk", 15, 80},
	} {
		e := openTask(t, tc.task)
		for seed := range uint64(2) {
			ret, steps := randomReturn(t, e, seed, 100+seed)
			if steps != 1000 {
				t.Errorf("%s: episode of %d steps, want 1000", tc.task, steps)
			}
			if ret < tc.lo || ret > tc.hi {
				t.Errorf("%s seed %d: random return %.2f, want in [%v, %v]", tc.task, seed, ret, tc.lo, tc.hi)
			}
		}
	}
}

func TestDeterminism(t *testing.T) {
	for _, task := range []string{"cheetah.run", "walker.walk"} {
		a, b := openTask(t, task), openTask(t, task)
		oa, _ := a.Reset(42)
		b.Reset(7) // a different episode first: must not leak into the next
		b.Step(make([]float64, 6))
		ob, _ := b.Reset(42)
		if !slices.Equal(oa, ob) {
			t.Fatalf("%s: first observations differ for the same seed", task)
		}
		oc, _ := openTask(t, task).Reset(43)
		if slices.Equal(oa, oc) {
			t.Errorf("%s: seeds 42 and 43 gave the same first observation", task)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		act := make([]float64, 6)
		for s := range 100 {
			for i := range act {
				act[i] = 2*rng.Float64() - 1
			}
			oa, ra, _, err1 := a.Step(act)
			ob, rb, _, err2 := b.Step(act)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if ra != rb || !slices.Equal(oa, ob) {
				t.Fatalf("%s step %d: same seed and actions, different results", task, s)
			}
		}
	}
}

func TestBadActions(t *testing.T) {
	e := openTask(t, "cheetah.run")
	if _, _, _, err := e.Step(make([]float64, 6)); !errors.Is(err, envs.ErrNotReset) {
		t.Errorf("Step before Reset: %v, want ErrNotReset", err)
	}
	e.Reset(0)
	if _, _, _, err := e.Step(make([]float64, 5)); err == nil || !strings.Contains(err.Error(), "len(action)=5, want ActionSize()=6") {
		t.Errorf("short action: %v", err)
	}
	bad := []float64{0, 0, math.NaN(), 0, 0, 0}
	if _, _, _, err := e.Step(bad); err == nil || !strings.Contains(err.Error(), "action[2]=NaN") || !strings.Contains(err.Error(), "[-1, 1]") {
		t.Errorf("NaN action: %v", err)
	}
	bad[2] = math.Inf(-1)
	if _, _, _, err := e.Step(bad); err == nil || !strings.Contains(err.Error(), "action[2]=-Inf") {
		t.Errorf("infinite action: %v", err)
	}
	// Out-of-range actions are clamped: 5 acts as 1.
	c := openTask(t, "cheetah.run")
	e.Reset(3)
	c.Reset(3)
	o1, r1, _, _ := e.Step([]float64{5, -5, 1, 1, -1, 1})
	o2, r2, _, _ := c.Step([]float64{1, -1, 1, 1, -1, 1})
	if r1 != r2 || !slices.Equal(o1, o2) {
		t.Error("an action of ±5 did not act as ±1")
	}
}

func TestEpisodeEnds(t *testing.T) {
	e := openTask(t, "walker.walk")
	e.Reset(0)
	zero := make([]float64, 6)
	for i := range 1000 {
		_, _, done, err := e.Step(zero)
		if err != nil {
			t.Fatal(err)
		}
		if done != (i == 999) {
			t.Fatalf("step %d: done = %v", i, done)
		}
	}
	if math.Abs(e.Data().Time()-25) > 1e-9 {
		t.Errorf("episode lasted %v s, want 25", e.Data().Time())
	}
	if _, _, _, err := e.Step(zero); !errors.Is(err, envs.ErrEpisodeOver) {
		t.Errorf("Step after the end: %v, want ErrEpisodeOver", err)
	}
}

func TestActionRepeat(t *testing.T) {
	e := openTask(t, "cheetah.run")
	ref := openTask(t, "cheetah.run")
	ar, err := envs.NewActionRepeat(e, 4)
	if err != nil {
		t.Fatal(err)
	}
	ar.Reset(9)
	ref.Reset(9)
	rng := rand.New(rand.NewPCG(5, 5))
	act := make([]float64, 6)
	steps := 0
	for {
		for i := range act {
			act[i] = 2*rng.Float64() - 1
		}
		obs, r, done, err := ar.Step(act)
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		var wantObs []float64
		for range 4 {
			o, rr, _, _ := ref.Step(act)
			want += rr
			wantObs = o
		}
		if r != want || !slices.Equal(obs, wantObs) {
			t.Fatalf("repeat step %d: reward %v, want the sum %v of 4 steps", steps, r, want)
		}
		steps++
		if done {
			break
		}
	}
	if steps != 250 {
		t.Errorf("episode of %d repeated steps, want 1000/4 = 250", steps)
	}
}

func TestBatchBitIdenticalToSerial(t *testing.T) {
	const n, steps = 4, 60
	base := openTask(t, "walker.walk")
	batchEnvs := make([]envs.Env, n)
	serial := make([]*Env, n)
	for i := range n {
		c, err := base.Clone()
		if err != nil {
			t.Fatal(err)
		}
		s, err := base.Clone()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(); s.Close() })
		batchEnvs[i], serial[i] = c, s
	}
	b, err := envs.NewBatch(batchEnvs, 2)
	if err != nil {
		t.Fatal(err)
	}
	seeds := []uint64{1, 2, 3, 4}
	policy := func(env, t int, obs []float64) []float64 {
		a := make([]float64, 6)
		for i := range a {
			a[i] = math.Sin(float64(env*7+t*3+i) + obs[14])
		}
		return a
	}
	eps, err := b.Rollouts(context.Background(), seeds, policy, steps)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		want, err := envs.Rollout(context.Background(), serial[i], seeds[i], func(t int, obs []float64) []float64 {
			return policy(i, t, obs)
		}, steps)
		if err != nil {
			t.Fatal(err)
		}
		if want.Return != eps[i].Return || len(want.Rewards) != steps {
			t.Errorf("env %d: batched return %v, serial %v: want bit-identical", i, eps[i].Return, want.Return)
		}
		for s := range want.Obs {
			if !slices.Equal(want.Obs[s], eps[i].Obs[s]) {
				t.Fatalf("env %d step %d: batched and serial observations differ", i, s)
			}
		}
	}
}

func TestTolerance(t *testing.T) {
	inf := math.Inf(1)
	// At distance margin from the bound every sigmoid gives valueAtMargin.
	for s := Gaussian; s <= TanhSquared; s++ {
		for _, v := range []float64{0.1, 0.5, 0.9} {
			if got := Tolerance(0, 1, inf, 1, s, v); math.Abs(got-v) > 1e-12 {
				t.Errorf("%v: value at the margin %v, want %v", s, got, v)
			}
			if got := Tolerance(2.5, 1, 2, 0.5, s, v); math.Abs(got-v) > 1e-12 {
				t.Errorf("%v: value at the upper margin %v, want %v", s, got, v)
			}
			if got := Tolerance(1.5, 1, 2, 0.5, s, v); got != 1 {
				t.Errorf("%v: value inside the bounds %v, want 1", s, got)
			}
		}
	}
	if got := Tolerance(0.2, 0, 1, 0, Gaussian, 0.1); got != 1 {
		t.Errorf("margin 0 inside: %v, want 1", got)
	}
	if got := Tolerance(1.2, 0, 1, 0, Gaussian, 0.1); got != 0 {
		t.Errorf("margin 0 outside: %v, want 0", got)
	}
	// Gaussian at half the margin: 0.1^(1/4).
	if got, want := Tolerance(0.5, 1, inf, 1, Gaussian, 0.1), math.Pow(0.1, 0.25); math.Abs(got-want) > 1e-12 {
		t.Errorf("gaussian at half margin: %v, want %v", got, want)
	}
	for _, f := range []func(){
		func() { Tolerance(0, 2, 1, 1, Gaussian, 0.1) },
		func() { Tolerance(0, 1, 2, -1, Gaussian, 0.1) },
		func() { Tolerance(0, 1, 2, 1, Gaussian, 0) },
		func() { Tolerance(0, 1, 2, 1, Linear, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("bad Tolerance arguments did not panic")
				}
			}()
			f()
		}()
	}
}

func TestSimulationErrorEndsEpisode(t *testing.T) {
	e := openTask(t, "cheetah.run")
	e.Reset(0)
	e.Data().Qvel()[2] = math.Inf(1)
	_, _, done, err := e.Step(make([]float64, 6))
	var w *mujoco.Warning
	if !errors.As(err, &w) || !done {
		t.Fatalf("Step from an infinite velocity: done %v, err %v; want done and a *mujoco.Warning", done, err)
	}
	if _, err := e.Reset(1); err != nil {
		t.Fatalf("Reset after a simulation warning: %v", err)
	}
}

// TestCLoopMatchesGo checks that the C loop the benchmarks compare against
// does the same work as Env.Step: the same actions from the same state give
// bit-identical states.
func TestCLoopMatchesGo(t *testing.T) {
	for _, task := range []string{"cheetah.run", "walker.walk"} {
		a, c := openTask(t, task), openTask(t, task)
		a.Reset(11)
		c.Reset(11)
		actions := benchActions(4)[:6*50]
		for i := range 50 {
			if _, _, _, err := a.Step(actions[6*i : 6*i+6]); err != nil {
				t.Fatal(err)
			}
		}
		if err := cloop.Run(c.Data(), actions, c.spec.substeps, -1, 1); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Data().Qpos(), c.Data().Qpos()) || !slices.Equal(a.Data().Qvel(), c.Data().Qvel()) {
			t.Errorf("%s: Go and C loops diverge: qpos %v vs %v", task, a.Data().Qpos(), c.Data().Qpos())
		}
	}
}

func TestBadModelStringProcessLives(t *testing.T) {
	broken := cheetahXML[:len(cheetahXML)/2] // cut in the middle of an element
	m, err := mujoco.LoadXML(broken)
	if err == nil {
		m.Close()
		t.Fatal("LoadXML of a truncated cheetah returned no error")
	}
	var merr *mujoco.Error
	if !errors.As(err, &merr) {
		t.Errorf("error %v is a %T, want *mujoco.Error", err, err)
	}
	renamed := strings.Replace(cheetahXML, `joint="bthigh" gear="120"`, `joint="no_such_joint" gear="120"`, 1)
	if _, err := mujoco.LoadXML(renamed); err == nil || !strings.Contains(err.Error(), "no_such_joint") {
		t.Errorf("motor on a missing joint: %v, want an error naming it", err)
	}
	// The process lives and the real task still loads and steps.
	e := openTask(t, "cheetah.run")
	if _, err := e.Reset(0); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := e.Step(make([]float64, 6)); err != nil {
		t.Fatal(err)
	}
}
