package mujoco

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// fallXML is a box on a vertical slide joint with a motor along it, no
// contacts: its motion under gravity has a closed form.
const fallXML = `<mujoco model="fall">
  <option timestep="0.01" gravity="0 0 -9.81"/>
  <worldbody>
    <body name="box" pos="0 0 1">
      <joint name="z" type="slide" axis="0 0 1" damping="0"/>
      <geom type="box" size=".1 .1 .1" mass="2" contype="0" conaffinity="0"/>
    </body>
  </worldbody>
  <actuator>
    <motor name="lift" joint="z" gear="1" ctrllimited="true" ctrlrange="-50 50"/>
  </actuator>
  <sensor>
    <subtreelinvel name="box_vel" body="box"/>
  </sensor>
</mujoco>`

// pendulumXML is a damped pendulum with a torque motor.
const pendulumXML = `<mujoco model="pendulum">
  <compiler angle="radian"/>
  <option timestep="0.002"/>
  <worldbody>
    <body name="pole" pos="0 0 2">
      <joint name="hinge" type="hinge" axis="0 1 0" damping="0.05" range="-3 3" limited="true"/>
      <geom type="capsule" fromto="0 0 0 0 0 -1" size="0.05" mass="1"/>
    </body>
  </worldbody>
  <actuator>
    <motor joint="hinge" gear="2" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>`

// pileXML has 20 boxes and a stack too small for their contacts: placing
// them all on the floor makes MuJoCo raise "Stack overflow".
func pileXML() string {
	var b strings.Builder
	b.WriteString(`<mujoco><size nstack="5000"/><worldbody><geom type="plane" size="5 5 .1"/>`)
	for i := range 20 {
		fmt.Fprintf(&b, `<body pos="%d 0 %d"><freejoint/><geom type="box" size=".1 .1 .1"/></body>`, i%5, 1+i)
	}
	b.WriteString(`</worldbody></mujoco>`)
	return b.String()
}

func mustLoad(t testing.TB, xml string) *Model {
	t.Helper()
	m, err := LoadXML(xml)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func mustData(t testing.TB, m *Model) *Data {
	t.Helper()
	d, err := m.NewData()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestVersion(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, "2.") {
		t.Errorf("Version() = %q, want 2.x", v)
	}
}

func TestLoadXMLBadModel(t *testing.T) {
	for _, tc := range []struct{ name, xml, want string }{
		{"unknown element", `<mujoco><worldbody><bogus/></worldbody></mujoco>`, "unrecognized"},
		{"not xml", `this is not a model`, "XML"},
		{"bad attribute", `<mujoco><worldbody><geom type="sphere" size="x"/></worldbody></mujoco>`, "size"},
		{"unknown joint", `<mujoco><worldbody/><actuator><motor joint="nope"/></actuator></mujoco>`, "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := LoadXML(tc.xml)
			if err == nil {
				m.Close()
				t.Fatal("LoadXML returned no error")
			}
			var merr *Error
			if !errors.As(err, &merr) {
				t.Fatalf("error %v is a %T, want *Error", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
	if _, err := LoadXML(""); err == nil {
		t.Error("LoadXML(\"\") returned no error")
	}
	// The process lives on and loads good models.
	m := mustLoad(t, fallXML)
	if m.NQ() != 1 {
		t.Errorf("after failed loads, NQ = %d, want 1", m.NQ())
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fall.xml")
	if err := os.WriteFile(path, []byte(fallXML), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.NU() != 1 {
		t.Errorf("NU = %d, want 1", m.NU())
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.xml")); err == nil {
		t.Error("LoadFile of a missing file returned no error")
	}
}

func TestBadNames(t *testing.T) {
	m := mustLoad(t, fallXML)
	if id, err := m.BodyID("box"); err != nil || id != 1 {
		t.Errorf("BodyID(box) = %d, %v; want 1, nil", id, err)
	}
	for _, f := range []struct {
		fn   func(string) (int, error)
		kind string
	}{{m.BodyID, "body"}, {m.JointID, "joint"}, {m.SensorID, "sensor"}} {
		_, err := f.fn("no_such_thing")
		if err == nil || !strings.Contains(err.Error(), `"no_such_thing"`) || !strings.Contains(err.Error(), f.kind) {
			t.Errorf("lookup of a missing %s: error %v, want one naming the %s and the name", f.kind, err, f.kind)
		}
	}
	if _, err := m.ID(ObjectType(999), "box"); err == nil {
		t.Error("ID with an unknown object type returned no error")
	}
	if _, err := m.Joint(5); err == nil || !strings.Contains(err.Error(), "[0, 1)") {
		t.Errorf("Joint(5): error %v, want one stating the range [0, 1)", err)
	}
}

func TestEngineErrorBecomesGoError(t *testing.T) {
	err := raiseForTest("synthetic failure")
	var merr *Error
	if !errors.As(err, &merr) || !strings.Contains(merr.Msg, "synthetic failure") {
		t.Fatalf("raiseForTest: got %v, want *Error with the message", err)
	}

	m := mustLoad(t, pileXML())
	d := mustData(t, m)
	q := d.Qpos()
	for i := range 20 {
		q[7*i+2] = 0.05 // every box intersects the floor
	}
	err = d.Forward()
	if !errors.As(err, &merr) || !strings.Contains(merr.Msg, "Stack overflow") {
		t.Fatalf("Forward with too small a stack: got %v, want *Error with Stack overflow", err)
	}
	if err := d.Step(1); err == nil || !strings.Contains(err.Error(), "Reset") {
		t.Errorf("Step after an engine error: got %v, want an error asking for Reset", err)
	}
	if err := d.Reset(); err != nil {
		t.Fatalf("Reset after an engine error: %v", err)
	}
	if err := d.Step(10); err != nil {
		t.Errorf("Step after Reset: %v", err)
	}
}

func TestWarningBadQpos(t *testing.T) {
	m := mustLoad(t, pendulumXML)
	d := mustData(t, m)
	d.Qpos()[0] = math.NaN()
	err := d.Step(5)
	var w *Warning
	if !errors.As(err, &w) || w.Kind != WarnBadQpos {
		t.Fatalf("Step with NaN qpos: got %v, want *Warning of kind WarnBadQpos", err)
	}
	if q := d.Qpos()[0]; q != 0 {
		t.Errorf("after the warning, qpos = %v, want MuJoCo's reset value 0", q)
	}
	if err := d.Step(5); err != nil {
		t.Errorf("Step after the warning: %v", err)
	}
}

// TestFreeFall checks positions, velocities, time, controls and the
// subtree velocity against the closed form of semi-implicit Euler:
// v_n = v_0 + n·a·h and z_n = z_0 + h·Σ v_k = z_0 + a·h²·n(n+1)/2.
func TestFreeFall(t *testing.T) {
	m := mustLoad(t, fallXML)
	d := mustData(t, m)
	const h, n, mass = 0.01, 50, 2.0
	if m.Timestep() != h {
		t.Fatalf("Timestep = %v, want %v", m.Timestep(), h)
	}
	for _, ctrl := range []float64{0, 10, 100} { // 100 is clamped to 50
		if err := d.Reset(); err != nil {
			t.Fatal(err)
		}
		d.Ctrl()[0] = ctrl
		if err := d.Step(n); err != nil {
			t.Fatal(err)
		}
		a := -9.81 + math.Min(ctrl, 50)/mass
		wantV := n * a * h
		wantZ := a * h * h * n * (n + 1) / 2
		const tol = 1e-9
		if got := d.Qvel()[0]; math.Abs(got-wantV) > tol {
			t.Errorf("ctrl %v: qvel = %.12g, want %.12g ± %g", ctrl, got, wantV, tol)
		}
		if got := d.Qpos()[0]; math.Abs(got-wantZ) > tol {
			t.Errorf("ctrl %v: qpos = %.12g, want %.12g ± %g", ctrl, got, wantZ, tol)
		}
		if got := d.Time(); math.Abs(got-n*h) > 1e-12 {
			t.Errorf("ctrl %v: time = %v, want %v", ctrl, got, n*h)
		}
		body, _ := m.BodyID("box")
		if got := d.BodyPos(body)[2]; math.Abs(got-(1+wantZ)) > tol {
			t.Errorf("ctrl %v: body z = %.12g, want %.12g ± %g (Step must leave positions current)", ctrl, got, 1+wantZ, tol)
		}
		v, err := d.SubtreeLinVel(body)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := m.SensorID("box_vel")
		sv, _ := d.Sensor(s)
		if math.Abs(v[2]-wantV) > tol || math.Abs(sv[2]-wantV) > tol {
			t.Errorf("ctrl %v: subtree velocity z = %v, sensor %v, want %v ± %g", ctrl, v[2], sv[2], wantV, tol)
		}
		if x := d.BodyXMat(body); x != [9]float64{1, 0, 0, 0, 1, 0, 0, 0, 1} {
			t.Errorf("ctrl %v: xmat = %v, want identity", ctrl, x)
		}
	}
	if err := d.Step(-1); err == nil || !strings.Contains(err.Error(), "n ≥ 0") {
		t.Errorf("Step(-1): error %v, want one stating n ≥ 0", err)
	}
}

func TestJointAndCtrlRange(t *testing.T) {
	m := mustLoad(t, pendulumXML)
	j, err := m.Joint(0)
	if err != nil {
		t.Fatal(err)
	}
	if j.Name != "hinge" || j.Type != JointHinge || !j.Limited || j.Range != [2]float64{-3, 3} {
		t.Errorf("Joint(0) = %+v, want hinge limited to [-3, 3]", j)
	}
	lo, hi, lim, err := m.CtrlRange(0)
	if err != nil || lo != -1 || hi != 1 || !lim {
		t.Errorf("CtrlRange(0) = %v, %v, %v, %v; want -1, 1, true, nil", lo, hi, lim, err)
	}
	if _, _, _, err := m.CtrlRange(1); err == nil {
		t.Error("CtrlRange(1) returned no error")
	}
}

func TestClose(t *testing.T) {
	m, err := LoadXML(pendulumXML)
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.NewData()
	if err != nil {
		t.Fatal(err)
	}
	m.Close() // deferred: d is open
	if err := d.Step(3); err != nil {
		t.Errorf("Step after Model.Close with d open: %v", err)
	}
	if _, err := m.NewData(); !errors.Is(err, ErrClosed) {
		t.Errorf("NewData after Close: %v, want ErrClosed", err)
	}
	d.Close()
	d.Close()
	m.Close()
	if err := d.Step(1); !errors.Is(err, ErrClosed) {
		t.Errorf("Step after Close: %v, want ErrClosed", err)
	}
}

// randomStarts returns n start states of the pendulum and their controls.
func randomStarts(m *Model, n, steps int, seed uint64) ([]State, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	starts := make([]State, n)
	ctrl := make([][]float64, n)
	for k := range n {
		starts[k] = State{Qpos: []float64{rng.Float64()*4 - 2}, Qvel: []float64{rng.NormFloat64()}}
		ctrl[k] = make([]float64, steps*m.NU())
		for i := range ctrl[k] {
			ctrl[k][i] = rng.Float64()*2 - 1
		}
	}
	return starts, ctrl
}

func TestPoolBitIdenticalToSerial(t *testing.T) {
	m := mustLoad(t, pendulumXML)
	const n, steps, substeps = 16, 40, 5
	starts, ctrl := randomStarts(m, n, steps, 7)

	// Serial reference on one Data, by hand.
	d := mustData(t, m)
	want := make([]Trajectory, n)
	for k := range n {
		if err := d.SetState(starts[k]); err != nil {
			t.Fatal(err)
		}
		want[k].Qpos = append(want[k].Qpos, d.Qpos()...)
		want[k].Qvel = append(want[k].Qvel, d.Qvel()...)
		for s := range steps {
			d.Ctrl()[0] = ctrl[k][s]
			if err := d.Step(substeps); err != nil {
				t.Fatal(err)
			}
			want[k].Qpos = append(want[k].Qpos, d.Qpos()...)
			want[k].Qvel = append(want[k].Qvel, d.Qvel()...)
		}
	}
	for _, workers := range []int{1, 2, 3} {
		p, err := NewPool(m, workers)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Rollouts(context.Background(), starts, ctrl, substeps)
		p.Close()
		if err != nil {
			t.Fatal(err)
		}
		for k := range n {
			for i := range want[k].Qpos {
				if got[k].Qpos[i] != want[k].Qpos[i] || got[k].Qvel[i] != want[k].Qvel[i] {
					t.Fatalf("workers %d, rollout %d, step %d: (%v, %v), want bit-identical (%v, %v)",
						workers, k, i, got[k].Qpos[i], got[k].Qvel[i], want[k].Qpos[i], want[k].Qvel[i])
				}
			}
		}
	}
	// The motion is not trivial: the trajectories move.
	if math.Abs(want[0].Qpos[steps]-want[0].Qpos[0]) < 1e-3 {
		t.Errorf("rollout 0 barely moved: %v → %v", want[0].Qpos[0], want[0].Qpos[steps])
	}
}

func TestPoolBadInput(t *testing.T) {
	m := mustLoad(t, pendulumXML)
	p, err := NewPool(m, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	starts, ctrl := randomStarts(m, 2, 3, 1)
	ctx := context.Background()
	if _, err := p.Rollouts(ctx, starts, ctrl[:1], 1); err == nil || !strings.Contains(err.Error(), "len(starts)=2") {
		t.Errorf("mismatched ctrl: %v", err)
	}
	ctrl[1] = ctrl[1][:2]
	if _, err := p.Rollouts(ctx, starts, ctrl, 1); err == nil || !strings.Contains(err.Error(), "ctrl[1]") {
		t.Errorf("ragged ctrl: %v", err)
	}
	starts[1].Qpos = nil
	_, ctrl = randomStarts(m, 2, 3, 1)
	if _, err := p.Rollouts(ctx, starts, ctrl, 1); err == nil || !strings.Contains(err.Error(), "NQ=1") {
		t.Errorf("bad start: %v", err)
	}
	if _, err := NewPool(m, 0); err == nil {
		t.Error("NewPool(m, 0) returned no error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.Run(cctx, 10, func(*Data, int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context: %v", err)
	}
}

func TestStateRoundTrip(t *testing.T) {
	m := mustLoad(t, pendulumXML)
	a, b := mustData(t, m), mustData(t, m)
	a.Qpos()[0] = 1
	a.Ctrl()[0] = 0.3
	if err := a.Step(100); err != nil {
		t.Fatal(err)
	}
	if err := b.SetState(a.State()); err != nil {
		t.Fatal(err)
	}
	b.Ctrl()[0] = 0.3
	a.Step(100)
	b.Step(100)
	if a.Qpos()[0] != b.Qpos()[0] || a.Qvel()[0] != b.Qvel()[0] || a.Time() != b.Time() {
		t.Errorf("after SetState(State()), states differ: (%v, %v, %v) vs (%v, %v, %v)",
			a.Qpos()[0], a.Qvel()[0], a.Time(), b.Qpos()[0], b.Qvel()[0], b.Time())
	}
	if err := b.CopyFrom(a); err != nil || b.Qpos()[0] != a.Qpos()[0] {
		t.Errorf("CopyFrom: %v, qpos %v vs %v", err, b.Qpos()[0], a.Qpos()[0])
	}
}

func TestSetQposRecomputes(t *testing.T) {
	m := mustLoad(t, fallXML)
	d := mustData(t, m)
	box, _ := m.BodyID("box")
	if err := d.SetQpos([]float64{0.5}); err != nil {
		t.Fatal(err)
	}
	if z := d.BodyPos(box)[2]; z != 1.5 {
		t.Errorf("after SetQpos(0.5), body z = %v, want 1.5", z)
	}
	if err := d.SetQvel([]float64{2}); err != nil {
		t.Fatal(err)
	}
	s, _ := m.SensorID("box_vel")
	if v, _ := d.Sensor(s); v[2] != 2 {
		t.Errorf("after SetQvel(2), subtree velocity %v, want 2", v[2])
	}
	// Without Forward, the first Step would integrate with stale
	// accelerations; SetQvel's refresh makes it exact.
	if err := d.Step(1); err != nil {
		t.Fatal(err)
	}
	if want := 2 - 9.81*0.01; math.Abs(d.Qvel()[0]-want) > 1e-12 {
		t.Errorf("qvel after one step %v, want %v", d.Qvel()[0], want)
	}
	if err := d.SetQpos([]float64{1, 2}); err == nil || !strings.Contains(err.Error(), "len(q)=2, want NQ=1") {
		t.Errorf("SetQpos of 2 values: %v", err)
	}
	if err := d.SetQvel([]float64{math.NaN()}); err == nil || !strings.Contains(err.Error(), "v[0]=NaN") {
		t.Errorf("SetQvel(NaN): %v", err)
	}
}

func TestCleanupFreesUnclosedData(t *testing.T) {
	m := mustLoad(t, pendulumXML)
	before := liveData.Load()
	func() {
		for range 10 {
			if _, err := m.NewData(); err != nil {
				t.Fatal(err)
			}
		}
	}()
	if got := liveData.Load(); got != before+10 {
		t.Fatalf("live Data after 10 NewData: %d, want %d", got, before+10)
	}
	deadline := time.Now().Add(5 * time.Second)
	for liveData.Load() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := liveData.Load(); got != before {
		t.Errorf("live Data after they became unreachable: %d, want %d (cleanups did not run)", got, before)
	}
}

// TestConcurrentLoadAndErrors compiles models, good and bad, while other
// goroutines step and raise engine errors: every error must come back to
// its own caller and the process must live.
func TestConcurrentLoadAndErrors(t *testing.T) {
	pile := mustLoad(t, pileXML())
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := pile.NewData()
			if err != nil {
				errs <- err
				return
			}
			defer d.Close()
			for range 20 {
				q := d.Qpos()
				for i := range 20 {
					q[7*i+2] = 0.05
				}
				var merr *Error
				if err := d.Forward(); !errors.As(err, &merr) {
					errs <- fmt.Errorf("goroutine %d: Forward: %v, want a stack overflow *Error", g, err)
					return
				}
				if err := d.Reset(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			xml := pendulumXML
			if i%2 == 1 {
				xml = `<mujoco><worldbody><bogus/></worldbody></mujoco>`
			}
			m, err := LoadXML(xml)
			if (err != nil) != (i%2 == 1) {
				errs <- fmt.Errorf("load %d: error %v", i, err)
				return
			}
			if m != nil {
				m.Close()
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// tetraSTL returns a binary STL of the tetrahedron with vertices at the
// origin and the three unit points.
func tetraSTL() []byte {
	v := [4][3]float32{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	faces := [4][3]int{{0, 2, 1}, {0, 1, 3}, {0, 3, 2}, {1, 2, 3}}
	b := make([]byte, 84, 84+50*4)
	binary.LittleEndian.PutUint32(b[80:], 4)
	for _, f := range faces {
		tri := make([]byte, 50)
		for k, vi := range f {
			for c := range 3 {
				binary.LittleEndian.PutUint32(tri[12+12*k+4*c:], math.Float32bits(v[vi][c]))
			}
		}
		b = append(b, tri...)
	}
	return b
}

func TestLoadXMLFilesWithMesh(t *testing.T) {
	const xml = `<mujoco>
  <asset><mesh name="tetra" file="tetra.stl"/></asset>
  <worldbody><body name="b"><freejoint/><geom type="mesh" mesh="tetra" density="600"/></body></worldbody>
</mujoco>`
	m, err := LoadXMLFiles("main.xml", map[string][]byte{"main.xml": []byte(xml), "tetra.stl": tetraSTL()})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// The mesh came from the virtual file system: 4 vertices, 4 faces.
	if m.m.nmesh != 1 || m.m.nmeshvert != 4 || m.m.nmeshface != 4 {
		t.Errorf("nmesh, nmeshvert, nmeshface = %d, %d, %d; want 1, 4, 4", m.m.nmesh, m.m.nmeshvert, m.m.nmeshface)
	}
	if mass := unsafe.Slice((*float64)(unsafe.Pointer(m.m.body_mass)), m.NBody())[1]; !(mass > 0) {
		t.Errorf("mesh body mass %v, want > 0", mass)
	}
	_, err = LoadXMLFiles("main.xml", map[string][]byte{"main.xml": []byte(xml)})
	if err == nil || !strings.Contains(err.Error(), "tetra.stl") {
		t.Errorf("missing mesh file: %v, want an error naming tetra.stl", err)
	}
	if _, err := LoadXMLFiles("main.xml", map[string][]byte{"other.xml": []byte(xml)}); err == nil {
		t.Error("LoadXMLFiles without the main file returned no error")
	}
}

func TestPoolRecoversPanics(t *testing.T) {
	m := mustLoad(t, pendulumXML)
	p, err := NewPool(m, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	err = p.Run(context.Background(), 4, func(d *Data, i int) error {
		if i == 2 {
			var s []int
			_ = s[5]
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "job 2 panicked") {
		t.Errorf("Run with a panicking job: %v, want the panic as an error", err)
	}
}

func TestImplicitForwardWarningReachesStep(t *testing.T) {
	// The pile with a large stack but MuJoCo's default contact buffer of
	// 100: all boxes on the floor fill it during Forward.
	m := mustLoad(t, strings.Replace(pileXML(), `nstack="5000"`, `nstack="1000000"`, 1))
	d := mustData(t, m)
	q := append([]float64(nil), d.Qpos()...)
	for i := range 20 {
		q[7*i+2] = 0.05
	}
	if err := d.SetQpos(q); err != nil {
		t.Fatal(err)
	}
	d.BodyPos(1) // implicit Forward: the warning cannot be returned here
	if d.pending == nil {
		t.Fatal("the implicit Forward's warning was not kept")
	}
	var w *Warning
	if err := d.Step(1); !errors.As(err, &w) || w.Kind != WarnContactFull {
		t.Errorf("Step after an implicit Forward that warned: %v, want the WarnContactFull warning", err)
	}
}
