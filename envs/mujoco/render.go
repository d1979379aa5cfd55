package mujoco

/*
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "render.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"runtime"
	"sync"
	"unsafe"
)

// ErrNoRendering wraps every reason why offscreen rendering cannot start:
// no libEGL, no surfaceless EGL platform, no OpenGL driver. Simulation works
// without it; test with errors.Is and carry on without frames.
var ErrNoRendering = errors.New("mujoco: offscreen rendering is unavailable")

var (
	eglOnce sync.Once
	eglErr  error
)

// initEGL loads libEGL and opens Mesa's surfaceless display, once.
func initEGL() error {
	eglOnce.Do(func() {
		errbuf := (*C.char)(C.calloc(C.DCEM_ERRSZ, 1))
		defer C.free(unsafe.Pointer(errbuf))
		if C.dcem_egl_init(errbuf) != C.DCEM_OK {
			eglErr = fmt.Errorf("%w: %s", ErrNoRendering, C.GoString(errbuf))
		}
	})
	return eglErr
}

// Renderer draws the scenes of one Model into RGB images offscreen, through
// EGL and MuJoCo's OpenGL renderer (mjr_render) with shadows and
// reflections off. Its methods may be called from several goroutines; they
// are serialized.
type Renderer struct {
	mu     sync.Mutex
	model  *Model
	r      *C.dcem_renderer
	errbuf *C.char
	width  int // offscreen buffer size (the model's visual/global offwidth)
	height int

	cleanup runtime.Cleanup
}

// rendererMem is what a Renderer's cleanup frees.
type rendererMem struct {
	r      *C.dcem_renderer
	errbuf *C.char
	model  *Model
}

func freeRenderer(mem rendererMem) {
	runtime.LockOSThread()
	C.dcem_renderer_free(mem.r)
	runtime.UnlockOSThread()
	C.free(unsafe.Pointer(mem.errbuf))
	mem.model.release()
}

// NewRenderer makes a renderer for m. It returns an error wrapping
// ErrNoRendering when the machine cannot render offscreen, stating why.
func NewRenderer(m *Model) (*Renderer, error) {
	if err := initEGL(); err != nil {
		return nil, err
	}
	mm, err := m.acquire()
	if err != nil {
		return nil, err
	}
	errbuf := (*C.char)(C.calloc(C.DCEM_ERRSZ, 1))
	runtime.LockOSThread()
	loadLock.RLock()
	r := C.dcem_renderer_new(mm, 2000, errbuf)
	loadLock.RUnlock()
	runtime.UnlockOSThread()
	if r == nil {
		msg := C.GoString(errbuf)
		C.free(unsafe.Pointer(errbuf))
		m.release()
		return nil, fmt.Errorf("%w: %s", ErrNoRendering, msg)
	}
	rr := &Renderer{
		model:  m,
		r:      r,
		errbuf: errbuf,
		width:  int(mm.vis.global.offwidth),
		height: int(mm.vis.global.offheight),
	}
	rr.cleanup = runtime.AddCleanup(rr, freeRenderer, rendererMem{r, errbuf, m})
	return rr, nil
}

// MaxSize returns the largest image Render can draw: the model's offscreen
// buffer, set by <visual><global offwidth offheight/></visual> (640×480 by
// default).
func (r *Renderer) MaxSize() (width, height int) { return r.width, r.height }

// Render draws d's current state as seen from camera (the index of one of
// the model's cameras, see Model.ID with ObjCamera, or -1 for a free camera
// looking at the whole model) into a width × height image.
func (r *Renderer) Render(d *Data, camera, width, height int) (*image.RGBA, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.r == nil {
		return nil, ErrClosed
	}
	if d.model != r.model {
		return nil, errors.New("mujoco: Render: d is a Data of another model")
	}
	if err := d.check("Render"); err != nil {
		return nil, err
	}
	if width < 1 || width > r.width || height < 1 || height > r.height {
		return nil, fmt.Errorf("mujoco: Render: size %d×%d, want between 1×1 and the model's offscreen buffer %d×%d (<visual><global offwidth offheight/>)",
			width, height, r.width, r.height)
	}
	if ncam := int(r.model.m.ncam); camera < -1 || camera >= ncam {
		return nil, fmt.Errorf("mujoco: Render: camera=%d, want -1 (free) or a camera index in [0, %d)", camera, ncam)
	}
	if err := d.refresh(); err != nil {
		return nil, err
	}
	rgb := C.malloc(C.size_t(3 * width * height))
	defer C.free(rgb)
	runtime.LockOSThread()
	loadLock.RLock()
	st := C.dcem_render(r.r, r.model.m, d.d, C.int(camera), C.int(width), C.int(height), (*C.uchar)(rgb), r.errbuf)
	loadLock.RUnlock()
	runtime.UnlockOSThread()
	runtime.KeepAlive(d) // its cleanup must not free d.d during the call
	if st != C.DCEM_OK {
		return nil, &Error{Op: "Render", Msg: C.GoString(r.errbuf)}
	}
	// OpenGL's rows run bottom-up; images run top-down.
	src := unsafe.Slice((*byte)(rgb), 3*width*height)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		row := src[3*width*(height-1-y):]
		out := img.Pix[y*img.Stride:]
		for x := range width {
			out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = row[3*x], row[3*x+1], row[3*x+2], 255
		}
	}
	return img, nil
}

// Close frees the OpenGL and MuJoCo rendering contexts; a cleanup function
// does it if r becomes unreachable first. Close is idempotent.
func (r *Renderer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.r == nil {
		return nil
	}
	r.cleanup.Stop()
	freeRenderer(rendererMem{r.r, r.errbuf, r.model})
	r.r, r.errbuf = nil, nil
	return nil
}
