// Package cloop steps a MuJoCo simulation in a tight C loop: the reference
// against which benchmarks measure the cost of the Go path in envs/mujoco
// and envs/dmc.
package cloop

/*
#cgo LDFLAGS: -lmujoco
#include <mujoco/mujoco.h>

// Apply control row t of ctrl (steps × nu), clamped to [lo, hi], then
// advance substeps physics steps as mj_step2 then mj_step1, for each t.
static void cloop_run(const mjModel *m, mjData *d, const double *ctrl, long steps, int substeps,
		double lo, double hi) {
	int nu = m->nu;
	for (long t = 0; t < steps; t++) {
		for (int j = 0; j < nu; j++) {
			double c = ctrl[t * nu + j];
			d->ctrl[j] = c < lo ? lo : (c > hi ? hi : c);
		}
		for (int s = 0; s < substeps; s++) {
			mj_step2(m, d);
			mj_step1(m, d);
		}
	}
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/dcem-go/dcem/envs/mujoco"
)

// Run applies the controls ctrl (steps × NU, row-major, clamped to
// [lo, hi]) to d, each for substeps physics steps, entirely in C, the same
// sequence of MuJoCo calls as mujoco.Data.Step. It does not catch MuJoCo
// errors: use it only on models and controls known to be well-behaved.
func Run(d *mujoco.Data, ctrl []float64, substeps int, lo, hi float64) error {
	nu := d.Model().NU()
	if nu == 0 || len(ctrl)%nu != 0 {
		return fmt.Errorf("cloop: len(ctrl)=%d, want a multiple of NU=%d", len(ctrl), nu)
	}
	if substeps < 1 {
		return fmt.Errorf("cloop: substeps=%d, want substeps ≥ 1", substeps)
	}
	if len(ctrl) == 0 {
		return nil
	}
	C.cloop_run((*C.mjModel)(d.Model().Pointer()), (*C.mjData)(d.Pointer()), (*C.double)(unsafe.Pointer(&ctrl[0])),
		C.long(len(ctrl)/nu), C.int(substeps), C.double(lo), C.double(hi))
	runtime.KeepAlive(d)
	return nil
}
