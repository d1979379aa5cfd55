// Package mujoco binds the MuJoCo 2.2.2 physics engine (Debian's
// libmujoco-dev) for the simulated control tasks of the DCEM paper
// (Amos & Yarats 2020, §5.2.2).
//
// A Model is a compiled MJCF model; a Data is one simulation state of a
// model. One Model may be shared by many Data, each used by one goroutine
// at a time: that is how Pool steps many environments in parallel with
// results identical to stepping them one after another.
//
// MuJoCo's default error handler prints a message and exits the process.
// This package installs its own handlers: every call into MuJoCo that can
// fail runs under a recovery point, and an engine error becomes a Go error
// of type *Error. A simulation warning (a NaN in the state, too many
// contacts) becomes a *Warning. After an *Error the Data must be Reset.
//
// C memory is freed by Close, and by a cleanup function when a Model or
// Data becomes unreachable without being closed.
//
// Renderer draws offscreen RGB frames through EGL (Mesa's surfaceless
// platform works without a display or GPU). libEGL is loaded at run time:
// where it or an OpenGL driver is missing, NewRenderer returns an error
// wrapping ErrNoRendering and simulation carries on without frames.
package mujoco

/*
#cgo LDFLAGS: -lmujoco
#include <stdlib.h>
#include "guard.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"unsafe"
)

// liveData counts the mjData allocated and not yet freed, for tests of the
// cleanup safety net.
var liveData atomic.Int64

// loadLock serializes model compilation against every other engine call.
// MuJoCo's compiler swaps the process-wide error handler while it runs, so
// an engine error raised on another thread during a load would reach the
// compiler's handler instead of ours.
var loadLock sync.RWMutex

func init() {
	C.dcem_install_handlers()
}

// Version returns the version of the MuJoCo library linked in, such as
// "2.2.2".
func Version() string {
	return C.GoString(C.mj_versionString())
}

// Error is an error raised by MuJoCo itself (through mju_error), such as a
// model that does not compile or a stack overflow during a step.
type Error struct {
	Op  string // the operation that failed, such as "LoadXML" or "Step"
	Msg string // MuJoCo's message
}

func (e *Error) Error() string { return "mujoco: " + e.Op + ": " + e.Msg }

// WarningKind is the type of a MuJoCo simulation warning (mjtWarning).
type WarningKind int

// The simulation warnings of MuJoCo 2.2.2 (mjtWarning in mjdata.h).
const (
	WarnInertia     WarningKind = C.mjWARN_INERTIA     // (near) singular inertia matrix
	WarnContactFull WarningKind = C.mjWARN_CONTACTFULL // too many contacts in contact list
	WarnCnstrFull   WarningKind = C.mjWARN_CNSTRFULL   // too many constraints
	WarnVGeomFull   WarningKind = C.mjWARN_VGEOMFULL   // too many visual geoms
	WarnBadQpos     WarningKind = C.mjWARN_BADQPOS     // bad number in qpos
	WarnBadQvel     WarningKind = C.mjWARN_BADQVEL     // bad number in qvel
	WarnBadQacc     WarningKind = C.mjWARN_BADQACC     // bad number in qacc
	WarnBadCtrl     WarningKind = C.mjWARN_BADCTRL     // bad number in ctrl
)

// Warning reports a simulation warning raised during Step or Forward.
// For WarnBadQpos, WarnBadQvel and WarnBadQacc MuJoCo has already reset the
// state to the model's defaults, as mj_checkPos/Vel/Acc do.
type Warning struct {
	Kind WarningKind
	Info int     // the index MuJoCo reports with the warning (a dof, a size)
	Time float64 // simulation time when it was raised
	Msg  string  // MuJoCo's text for it (mju_warningText)
}

func (w *Warning) Error() string {
	return fmt.Sprintf("mujoco: warning at time %g: %s", w.Time, w.Msg)
}

// ErrClosed is returned by methods of a Model or Data after Close.
var ErrClosed = errors.New("mujoco: use of a closed Model or Data")

// Model is a compiled MuJoCo model (mjModel). Its methods may be called from
// many goroutines at once.
type Model struct {
	m       *C.mjModel
	mu      sync.Mutex
	ndata   int  // open Data of this model
	closing bool // Close was called; free when ndata reaches 0
	cleanup runtime.Cleanup
}

// LoadXML compiles an MJCF model held in memory (mj_loadXML through a
// virtual file system, under the name "model.xml"). A model that names
// asset files needs LoadXMLFiles. Errors are *Error with MuJoCo's message.
func LoadXML(xml string) (*Model, error) {
	if xml == "" {
		return nil, errors.New("mujoco: LoadXML: the model document is empty")
	}
	return LoadXMLFiles("model.xml", map[string][]byte{"model.xml": []byte(xml)})
}

// LoadXMLFiles compiles the MJCF model main from in-memory files served to
// MuJoCo through a virtual file system (mjVFS): files maps names (without
// directories) to contents and must hold main; the others are the assets
// the model names, such as meshes (STL) and textures (PNG).
func LoadXMLFiles(main string, files map[string][]byte) (*Model, error) {
	if _, ok := files[main]; !ok {
		return nil, fmt.Errorf("mujoco: LoadXMLFiles: main file %q is not in files", main)
	}
	if len(files) > C.mjMAXVFS {
		return nil, fmt.Errorf("mujoco: LoadXMLFiles: %d files, want at most %d", len(files), C.mjMAXVFS)
	}
	names := make([]string, 0, len(files))
	for name, data := range files {
		if len(name) == 0 || len(name) >= C.mjMAXVFSNAME {
			return nil, fmt.Errorf("mujoco: LoadXMLFiles: file name %q has %d bytes, want 1 to %d", name, len(name), C.mjMAXVFSNAME-1)
		}
		if len(data) == 0 {
			return nil, fmt.Errorf("mujoco: LoadXMLFiles: file %q is empty", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	n := len(names)
	ptrSize := C.size_t(unsafe.Sizeof(uintptr(0)))
	cnames := unsafe.Slice((**C.char)(C.malloc(C.size_t(n)*ptrSize)), n)
	cdatas := unsafe.Slice((**C.char)(C.malloc(C.size_t(n)*ptrSize)), n)
	csizes := unsafe.Slice((*C.int)(C.malloc(C.size_t(n)*C.size_t(unsafe.Sizeof(C.int(0))))), n)
	defer func() {
		for k := range n {
			C.free(unsafe.Pointer(cnames[k]))
			C.free(unsafe.Pointer(cdatas[k]))
		}
		C.free(unsafe.Pointer(&cnames[0]))
		C.free(unsafe.Pointer(&cdatas[0]))
		C.free(unsafe.Pointer(&csizes[0]))
	}()
	for k, name := range names {
		cnames[k] = C.CString(name)
		cdatas[k] = (*C.char)(C.CBytes(files[name]))
		csizes[k] = C.int(len(files[name]))
	}
	cmain := C.CString(main)
	defer C.free(unsafe.Pointer(cmain))
	errbuf := (*C.char)(C.calloc(C.DCEM_ERRSZ, 1))
	defer C.free(unsafe.Pointer(errbuf))

	loadLock.Lock()
	m := C.dcem_load_vfs(cmain, C.int(n), &cnames[0], &cdatas[0], &csizes[0], errbuf)
	loadLock.Unlock()
	if m == nil {
		return nil, &Error{Op: "LoadXML", Msg: C.GoString(errbuf)}
	}
	return newModel(m), nil
}

// LoadFile compiles the MJCF (or URDF) model in the file at path.
func LoadFile(path string) (*Model, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("mujoco: LoadFile: %w", err)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	errbuf := (*C.char)(C.calloc(C.DCEM_ERRSZ, 1))
	defer C.free(unsafe.Pointer(errbuf))
	loadLock.Lock()
	m := C.dcem_load_file(cpath, errbuf)
	loadLock.Unlock()
	if m == nil {
		return nil, &Error{Op: "LoadFile", Msg: C.GoString(errbuf)}
	}
	return newModel(m), nil
}

func newModel(m *C.mjModel) *Model {
	mod := &Model{m: m}
	mod.cleanup = runtime.AddCleanup(mod, func(m *C.mjModel) { C.mj_deleteModel(m) }, m)
	return mod
}

// Close frees the model's C memory. If Data or Renderers of this model are
// still open, the memory is freed when the last of them is closed; until
// then they keep working, but NewData fails with ErrClosed. Close is
// idempotent; no other method of m may be called after it.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || m.closing {
		return nil
	}
	m.closing = true
	m.freeLocked()
	return nil
}

func (m *Model) freeLocked() {
	if m.closing && m.ndata == 0 && m.m != nil {
		m.cleanup.Stop()
		C.mj_deleteModel(m.m)
		m.m = nil
	}
}

// acquire counts a user of m's memory other than a Data (a Renderer), which
// defers freeing it like an open Data does.
func (m *Model) acquire() (*C.mjModel, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mm, err := m.ptr()
	if err != nil {
		return nil, err
	}
	m.ndata++
	return mm, nil
}

// release ends a use counted by acquire.
func (m *Model) release() {
	m.mu.Lock()
	m.ndata--
	m.freeLocked()
	m.mu.Unlock()
}

func (m *Model) ptr() (*C.mjModel, error) {
	if m == nil || m.m == nil || m.closing {
		return nil, ErrClosed
	}
	return m.m, nil
}

// Pointer returns m's *mjModel as an unsafe.Pointer, for other cgo code,
// under the same rules as Data.Pointer.
func (m *Model) Pointer() unsafe.Pointer { return unsafe.Pointer(m.m) }

// NQ returns the number of position coordinates (mjModel.nq).
func (m *Model) NQ() int { return int(m.m.nq) }

// NV returns the number of degrees of freedom (mjModel.nv).
func (m *Model) NV() int { return int(m.m.nv) }

// NU returns the number of actuators (mjModel.nu).
func (m *Model) NU() int { return int(m.m.nu) }

// NBody returns the number of bodies, the world body included (mjModel.nbody).
func (m *Model) NBody() int { return int(m.m.nbody) }

// NJoint returns the number of joints (mjModel.njnt).
func (m *Model) NJoint() int { return int(m.m.njnt) }

// NSensorData returns the length of the sensor data vector (mjModel.nsensordata).
func (m *Model) NSensorData() int { return int(m.m.nsensordata) }

// Timestep returns the physics time step in seconds (mjModel.opt.timestep).
func (m *Model) Timestep() float64 { return float64(m.m.opt.timestep) }

// ObjectType names a kind of named MuJoCo object (mjtObj).
type ObjectType int

// Object types that can be looked up by name.
const (
	ObjBody     ObjectType = C.mjOBJ_BODY
	ObjJoint    ObjectType = C.mjOBJ_JOINT
	ObjGeom     ObjectType = C.mjOBJ_GEOM
	ObjSite     ObjectType = C.mjOBJ_SITE
	ObjActuator ObjectType = C.mjOBJ_ACTUATOR
	ObjSensor   ObjectType = C.mjOBJ_SENSOR
	ObjCamera   ObjectType = C.mjOBJ_CAMERA
)

var objNames = map[ObjectType]string{
	ObjBody: "body", ObjJoint: "joint", ObjGeom: "geom", ObjSite: "site",
	ObjActuator: "actuator", ObjSensor: "sensor", ObjCamera: "camera",
}

func (t ObjectType) String() string {
	if s, ok := objNames[t]; ok {
		return s
	}
	return fmt.Sprintf("ObjectType(%d)", int(t))
}

// ID returns the index of the object of type typ called name (mj_name2id),
// or an error naming both when the model has no such object.
func (m *Model) ID(typ ObjectType, name string) (int, error) {
	if _, ok := objNames[typ]; !ok {
		return -1, fmt.Errorf("mujoco: ID: unknown object type %d", int(typ))
	}
	mm, err := m.ptr()
	if err != nil {
		return -1, err
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	id := int(C.mj_name2id(mm, C.int(typ), cname))
	if id < 0 {
		return -1, fmt.Errorf("mujoco: the model has no %s named %q", typ, name)
	}
	return id, nil
}

// Name returns the name of object id of type typ (mj_id2name), or "" when it
// has none.
func (m *Model) Name(typ ObjectType, id int) string {
	s := C.mj_id2name(m.m, C.int(typ), C.int(id))
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// BodyID returns the index of the body called name.
func (m *Model) BodyID(name string) (int, error) { return m.ID(ObjBody, name) }

// JointID returns the index of the joint called name.
func (m *Model) JointID(name string) (int, error) { return m.ID(ObjJoint, name) }

// SensorID returns the index of the sensor called name.
func (m *Model) SensorID(name string) (int, error) { return m.ID(ObjSensor, name) }

// JointType is the kind of a joint (mjtJoint).
type JointType int

// The joint types of MuJoCo.
const (
	JointFree  JointType = C.mjJNT_FREE
	JointBall  JointType = C.mjJNT_BALL
	JointSlide JointType = C.mjJNT_SLIDE
	JointHinge JointType = C.mjJNT_HINGE
)

// Joint describes joint j of the model.
type Joint struct {
	Name    string
	Type    JointType
	QposAdr int        // index of its first coordinate in qpos
	DofAdr  int        // index of its first degree of freedom in qvel
	Limited bool       // whether Range applies
	Range   [2]float64 // lower and upper limit (radians or meters)
}

// Joint returns the description of joint j, 0 ≤ j < NJoint().
func (m *Model) Joint(j int) (Joint, error) {
	if j < 0 || j >= m.NJoint() {
		return Joint{}, fmt.Errorf("mujoco: Joint: index j=%d out of range [0, %d)", j, m.NJoint())
	}
	rng := unsafe.Slice((*float64)(unsafe.Pointer(m.m.jnt_range)), 2*m.NJoint())
	return Joint{
		Name:    m.Name(ObjJoint, j),
		Type:    JointType(*(*C.int)(unsafe.Add(unsafe.Pointer(m.m.jnt_type), 4*j))),
		QposAdr: int(*(*C.int)(unsafe.Add(unsafe.Pointer(m.m.jnt_qposadr), 4*j))),
		DofAdr:  int(*(*C.int)(unsafe.Add(unsafe.Pointer(m.m.jnt_dofadr), 4*j))),
		Limited: *(*C.mjtByte)(unsafe.Add(unsafe.Pointer(m.m.jnt_limited), j)) != 0,
		Range:   [2]float64{rng[2*j], rng[2*j+1]},
	}, nil
}

// CtrlRange returns the control range of actuator i and whether it is
// enforced (ctrllimited).
func (m *Model) CtrlRange(i int) (lo, hi float64, limited bool, err error) {
	if i < 0 || i >= m.NU() {
		return 0, 0, false, fmt.Errorf("mujoco: CtrlRange: actuator index i=%d out of range [0, %d)", i, m.NU())
	}
	rng := unsafe.Slice((*float64)(unsafe.Pointer(m.m.actuator_ctrlrange)), 2*m.NU())
	lim := *(*C.mjtByte)(unsafe.Add(unsafe.Pointer(m.m.actuator_ctrllimited), i)) != 0
	return rng[2*i], rng[2*i+1], lim, nil
}

// Sensor returns where sensor s's values lie in Data.SensorData: the
// address of its first value and its dimension.
func (m *Model) Sensor(s int) (adr, dim int, err error) {
	n := int(m.m.nsensor)
	if s < 0 || s >= n {
		return 0, 0, fmt.Errorf("mujoco: Sensor: index s=%d out of range [0, %d)", s, n)
	}
	adr = int(*(*C.int)(unsafe.Add(unsafe.Pointer(m.m.sensor_adr), 4*s)))
	dim = int(*(*C.int)(unsafe.Add(unsafe.Pointer(m.m.sensor_dim), 4*s)))
	return adr, dim, nil
}

// Data is one simulation state of a Model (mjData). A Data must not be used
// by two goroutines at once.
type Data struct {
	model   *Model
	m       *C.mjModel
	d       *C.mjData
	errbuf  *C.char
	broken  bool  // an engine error left d undefined: Reset before stepping
	dirty   bool  // SetQpos or SetQvel since the last Forward
	pending error // a warning raised by an implicit Forward, for the next Step
	cleanup runtime.Cleanup
	warning C.int
}

type dataMem struct {
	d      *C.mjData
	errbuf *C.char
}

// NewData allocates a simulation state for m (mj_makeData), initialized to
// the model's reference configuration, with its derived quantities computed
// (mj_forward).
func (m *Model) NewData() (*Data, error) {
	data, err := m.newData()
	if err != nil {
		return nil, err
	}
	// Step expects the derived quantities of the current state.
	if err := data.Forward(); err != nil {
		data.Close()
		return nil, err
	}
	return data, nil
}

func (m *Model) newData() (*Data, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mm, err := m.ptr()
	if err != nil {
		return nil, err
	}
	errbuf := (*C.char)(C.calloc(C.DCEM_ERRSZ, 1))
	var d *C.mjData
	loadLock.RLock()
	st := C.dcem_make_data(mm, &d, errbuf)
	loadLock.RUnlock()
	if st != C.DCEM_OK {
		msg := C.GoString(errbuf)
		C.free(unsafe.Pointer(errbuf))
		return nil, &Error{Op: "NewData", Msg: msg}
	}
	m.ndata++
	liveData.Add(1)
	data := &Data{model: m, m: mm, d: d, errbuf: errbuf}
	data.cleanup = runtime.AddCleanup(data, func(mem dataMem) {
		C.mj_deleteData(mem.d)
		C.free(unsafe.Pointer(mem.errbuf))
		liveData.Add(-1)
	}, dataMem{d, errbuf})
	return data, nil
}

// Model returns the model of d.
func (d *Data) Model() *Model { return d.model }

// Pointer returns d's *mjData as an unsafe.Pointer, for other cgo code such
// as a C stepping loop. The pointer is valid until Close; code using it must
// keep d reachable (runtime.KeepAlive) and must not call MuJoCo functions
// that can raise errors outside this package's guard.
func (d *Data) Pointer() unsafe.Pointer { return unsafe.Pointer(d.d) }

// Close frees d's C memory. Slices returned by Qpos, Qvel, Ctrl and
// SensorData must not be used afterwards. Close is idempotent.
func (d *Data) Close() error {
	if d.d == nil {
		return nil
	}
	d.cleanup.Stop()
	C.mj_deleteData(d.d)
	C.free(unsafe.Pointer(d.errbuf))
	liveData.Add(-1)
	d.d, d.errbuf = nil, nil
	m := d.model
	m.mu.Lock()
	m.ndata--
	m.freeLocked()
	m.mu.Unlock()
	runtime.KeepAlive(d)
	return nil
}

func (d *Data) check(op string) error {
	if d.d == nil {
		return ErrClosed
	}
	if d.broken && op != "Reset" && op != "CopyFrom" {
		return fmt.Errorf("mujoco: %s: the state is undefined after an earlier engine error; call Reset first", op)
	}
	return nil
}

func (d *Data) status(op string, st C.int) error {
	switch st {
	case C.DCEM_OK:
		return nil
	case C.DCEM_WARNING:
		w := &Warning{Kind: WarningKind(d.warning), Time: d.Time()}
		w.Info = int(d.d.warning[d.warning].lastinfo)
		w.Msg = C.GoString(C.mju_warningText(d.warning, C.int(w.Info)))
		return w
	default:
		d.broken = true
		return &Error{Op: op, Msg: C.GoString(d.errbuf)}
	}
}

// Step advances the simulation by n physics steps of Model.Timestep each,
// with the controls in Ctrl held fixed. It splits each step as
// mj_step2 then mj_step1 (as dm_control does), so that on return positions,
// orientations, velocities and position and velocity sensors are computed
// for the new state; acceleration-stage quantities (qacc, touch and force
// sensors) still belong to the step before.
// The state must be consistent when Step is called: Reset, Forward and Step
// leave it so; call Forward after writing Qpos or Qvel.
//
// Step stops at the first simulation warning and returns it as a *Warning,
// and returns an engine error as an *Error.
func (d *Data) Step(n int) error { return d.step("Step", false, n) }

// StepPlain advances the simulation by n calls of mj_step. Unlike Step, the
// derived quantities (positions, sensors) on return belong to the state
// before the last integration, as with MuJoCo's own mj_step.
func (d *Data) StepPlain(n int) error { return d.step("StepPlain", true, n) }

// step runs n steps through the guarded C call of Step (plain false) or
// StepPlain (plain true); op names the method in errors.
func (d *Data) step(op string, plain bool, n int) error {
	if n < 0 {
		return fmt.Errorf("mujoco: %s: number of steps n=%d, want n ≥ 0", op, n)
	}
	if err := d.check(op); err != nil {
		return err
	}
	if err := d.refresh(); err != nil {
		d.pending = nil
		return err
	}
	if err := d.takePending(); err != nil {
		return err
	}
	loadLock.RLock()
	var st C.int
	if plain {
		st = C.dcem_step_plain(d.m, d.d, C.int(n), d.errbuf, &d.warning)
	} else {
		st = C.dcem_step(d.m, d.d, C.int(n), d.errbuf, &d.warning)
	}
	loadLock.RUnlock()
	return d.status(op, st)
}

// Forward computes every derived quantity of the current state without
// advancing time (mj_forward).
func (d *Data) Forward() error {
	if err := d.check("Forward"); err != nil {
		return err
	}
	loadLock.RLock()
	st := C.dcem_forward(d.m, d.d, d.errbuf, &d.warning)
	loadLock.RUnlock()
	d.dirty = false
	return d.status("Forward", st)
}

// refresh runs Forward if SetQpos or SetQvel changed the state since the
// last Forward or Step.
// A warning raised there is kept and returned by the next Step or
// StepPlain when the caller (a getter) cannot return it.
func (d *Data) refresh() error {
	if !d.dirty {
		return nil
	}
	err := d.Forward()
	if _, ok := err.(*Warning); ok {
		d.pending = err
	}
	return err
}

// takePending returns and clears a warning kept by refresh.
func (d *Data) takePending() error {
	err := d.pending
	d.pending = nil
	return err
}

// SetQpos copies q into the position coordinates; the derived quantities
// (body positions, sensors) are recomputed before they are next read or the
// state is stepped. It returns an error if len(q) ≠ NQ or q holds a NaN or
// an infinity.
func (d *Data) SetQpos(q []float64) error { return d.set("SetQpos", "q", "NQ", q, d.Qpos) }

// SetQvel copies v into the velocities, like SetQpos; len(v) must be NV.
func (d *Data) SetQvel(v []float64) error { return d.set("SetQvel", "v", "NV", v, d.Qvel) }

func (d *Data) set(op, arg, size string, src []float64, dst func() []float64) error {
	if d.d == nil {
		return ErrClosed
	}
	to := dst()
	if len(src) != len(to) {
		return fmt.Errorf("mujoco: %s: len(%s)=%d, want %s=%d", op, arg, len(src), size, len(to))
	}
	for i, x := range src {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("mujoco: %s: %s[%d]=%v, want a finite number", op, arg, i, x)
		}
	}
	copy(to, src)
	d.dirty = true
	return nil
}

// Reset sets the state to the model's defaults (mj_resetData) and computes
// its derived quantities (mj_forward).
func (d *Data) Reset() error {
	if err := d.check("Reset"); err != nil {
		return err
	}
	d.pending, d.dirty = nil, false
	loadLock.RLock()
	st := C.dcem_reset(d.m, d.d, d.errbuf)
	loadLock.RUnlock()
	if err := d.status("Reset", st); err != nil {
		return err
	}
	d.broken = false
	return d.Forward()
}

// CopyFrom copies the whole state of src, a Data of the same model, into d
// (mj_copyData).
func (d *Data) CopyFrom(src *Data) error {
	if err := d.check("CopyFrom"); err != nil {
		return err
	}
	if src.d == nil {
		return ErrClosed
	}
	if src.model != d.model {
		return errors.New("mujoco: CopyFrom: src is a Data of another model")
	}
	loadLock.RLock()
	st := C.dcem_copy_data(d.m, d.d, src.d, d.errbuf)
	loadLock.RUnlock()
	runtime.KeepAlive(src) // its cleanup must not free src.d during the call
	if err := d.status("CopyFrom", st); err != nil {
		return err
	}
	d.broken = src.broken
	return nil
}

func view(p *C.mjtNum, n int) []float64 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(p)), n)
}

// Qpos returns the position coordinates (length NQ), a view of C memory:
// the slice is invalid after Close, and d must stay reachable while it is
// used (the cleanup of an unreachable Data frees the memory). Writes through it change the state but
// not its derived quantities: call Forward before Step or reading body
// positions, or use SetQpos, which does that for you.
func (d *Data) Qpos() []float64 { return view(d.d.qpos, d.model.NQ()) }

// Qvel returns the velocities (length NV), a view of C memory like Qpos.
func (d *Data) Qvel() []float64 { return view(d.d.qvel, d.model.NV()) }

// Ctrl returns the actuator controls (length NU), a view of C memory like
// Qpos. Controls outside an actuator's range are clamped by MuJoCo when the
// actuator is ctrllimited.
func (d *Data) Ctrl() []float64 { return view(d.d.ctrl, d.model.NU()) }

// SensorData returns all sensor values (length NSensorData), a view of C
// memory like Qpos, as of the last Step or Forward.
//
// Like BodyPos, it first recomputes the sensors if SetQpos or SetQvel
// changed the state; a warning from that recomputation is returned by the
// next Step, an engine error makes the next Step ask for Reset.
func (d *Data) SensorData() []float64 {
	d.refresh()
	return view(d.d.sensordata, d.model.NSensorData())
}

// Time returns the simulation time in seconds.
func (d *Data) Time() float64 { return float64(d.d.time) }

// SetTime sets the simulation time in seconds.
func (d *Data) SetTime(t float64) { d.d.time = C.mjtNum(t) }

func (d *Data) bodyCheck(op string, body int) {
	if body < 0 || body >= d.model.NBody() {
		panic(fmt.Sprintf("mujoco: %s: body index %d out of range [0, %d)", op, body, d.model.NBody()))
	}
}

// BodyPos returns the world position of body's frame (mjData.xpos).
// It panics if body is out of range, as a slice index would.
func (d *Data) BodyPos(body int) [3]float64 {
	d.bodyCheck("BodyPos", body)
	d.refresh()
	v := view(d.d.xpos, 3*d.model.NBody())
	return [3]float64(v[3*body : 3*body+3])
}

// BodyXMat returns the orientation of body's frame as a row-major 3×3
// rotation matrix (mjData.xmat): column k holds the body's k-th axis in
// world coordinates, so element 8 (zz) is the cosine of its tilt from
// vertical. It panics if body is out of range.
func (d *Data) BodyXMat(body int) [9]float64 {
	d.bodyCheck("BodyXMat", body)
	d.refresh()
	v := view(d.d.xmat, 9*d.model.NBody())
	return [9]float64(v[9*body : 9*body+9])
}

// SubtreeLinVel returns the linear velocity of the center of mass of the
// subtree rooted at body (mjData.subtree_linvel), computing it first with
// mj_subtreeVel. A subtreelinvel sensor gives the same value without the
// extra computation. It panics if body is out of range.
func (d *Data) SubtreeLinVel(body int) ([3]float64, error) {
	d.bodyCheck("SubtreeLinVel", body)
	if err := d.check("SubtreeLinVel"); err != nil {
		return [3]float64{}, err
	}
	if err := d.refresh(); err != nil {
		return [3]float64{}, err
	}
	loadLock.RLock()
	st := C.dcem_subtree_vel(d.m, d.d, d.errbuf)
	loadLock.RUnlock()
	if err := d.status("SubtreeLinVel", st); err != nil {
		return [3]float64{}, err
	}
	v := view(d.d.subtree_linvel, 3*d.model.NBody())
	return [3]float64(v[3*body : 3*body+3]), nil
}

// Sensor returns the values of sensor s, a view of SensorData.
func (d *Data) Sensor(s int) ([]float64, error) {
	adr, dim, err := d.model.Sensor(s)
	if err != nil {
		return nil, err
	}
	if err := d.refresh(); err != nil {
		return nil, err
	}
	return d.SensorData()[adr : adr+dim], nil
}

// raiseForTest makes MuJoCo raise an engine error with msg under the guard
// and returns what the caller sees.
func raiseForTest(msg string) error {
	cmsg := C.CString(msg)
	defer C.free(unsafe.Pointer(cmsg))
	errbuf := (*C.char)(C.calloc(C.DCEM_ERRSZ, 1))
	defer C.free(unsafe.Pointer(errbuf))
	if C.dcem_raise(cmsg, errbuf) != C.DCEM_OK {
		return &Error{Op: "raise", Msg: C.GoString(errbuf)}
	}
	return nil
}
