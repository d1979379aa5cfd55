#include "render.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The few EGL types and constants used here (EGL 1.5 and EGL_MESA /
// EGL_EXT extensions), declared locally so that no EGL headers are needed.
typedef void *EGLDisplay;
typedef void *EGLConfig;
typedef void *EGLContext;
typedef void *EGLSurface;
typedef int32_t EGLint;
typedef unsigned int EGLBoolean;
typedef unsigned int EGLenum;

#define EGL_SUCCESS 0x3000
#define EGL_NONE 0x3038
#define EGL_ALPHA_SIZE 0x3021
#define EGL_BLUE_SIZE 0x3022
#define EGL_GREEN_SIZE 0x3023
#define EGL_RED_SIZE 0x3024
#define EGL_DEPTH_SIZE 0x3025
#define EGL_STENCIL_SIZE 0x3026
#define EGL_SURFACE_TYPE 0x3033
#define EGL_PBUFFER_BIT 0x0001
#define EGL_RENDERABLE_TYPE 0x3040
#define EGL_OPENGL_BIT 0x0008
#define EGL_OPENGL_API 0x30A2
#define EGL_EXTENSIONS 0x3055
#define EGL_PLATFORM_SURFACELESS_MESA 0x31DD

typedef void *(*PFN_getProcAddress)(const char *);
typedef EGLint (*PFN_getError)(void);
typedef EGLDisplay (*PFN_getPlatformDisplayEXT)(EGLenum, void *, const EGLint *);
typedef EGLBoolean (*PFN_initialize)(EGLDisplay, EGLint *, EGLint *);
typedef EGLBoolean (*PFN_chooseConfig)(EGLDisplay, const EGLint *, EGLConfig *, EGLint, EGLint *);
typedef EGLBoolean (*PFN_bindAPI)(EGLenum);
typedef EGLContext (*PFN_createContext)(EGLDisplay, EGLConfig, EGLContext, const EGLint *);
typedef EGLBoolean (*PFN_makeCurrent)(EGLDisplay, EGLSurface, EGLSurface, EGLContext);
typedef EGLBoolean (*PFN_destroyContext)(EGLDisplay, EGLContext);

static struct {
	int ready;
	PFN_getError getError;
	PFN_chooseConfig chooseConfig;
	PFN_bindAPI bindAPI;
	PFN_createContext createContext;
	PFN_makeCurrent makeCurrent;
	PFN_destroyContext destroyContext;
	EGLDisplay dpy;
	EGLConfig config;
} egl;

struct dcem_renderer {
	EGLContext ctx;
	mjvScene scn;
	mjvCamera cam;
	mjvOption opt;
	mjrContext con;
	int haveScene, haveCon;
};

int dcem_egl_init(char *errbuf) {
	errbuf[0] = 0;
	if (egl.ready) {
		return DCEM_OK;
	}
	void *lib = dlopen("libEGL.so.1", RTLD_NOW | RTLD_GLOBAL);
	if (lib == NULL) {
		snprintf(errbuf, DCEM_ERRSZ, "cannot load libEGL: %s", dlerror());
		return DCEM_ERROR;
	}
	PFN_getProcAddress getProc = (PFN_getProcAddress)dlsym(lib, "eglGetProcAddress");
	PFN_initialize initialize = (PFN_initialize)dlsym(lib, "eglInitialize");
	egl.getError = (PFN_getError)dlsym(lib, "eglGetError");
	egl.chooseConfig = (PFN_chooseConfig)dlsym(lib, "eglChooseConfig");
	egl.bindAPI = (PFN_bindAPI)dlsym(lib, "eglBindAPI");
	egl.createContext = (PFN_createContext)dlsym(lib, "eglCreateContext");
	egl.makeCurrent = (PFN_makeCurrent)dlsym(lib, "eglMakeCurrent");
	egl.destroyContext = (PFN_destroyContext)dlsym(lib, "eglDestroyContext");
	if (!getProc || !initialize || !egl.getError || !egl.chooseConfig || !egl.bindAPI ||
			!egl.createContext || !egl.makeCurrent || !egl.destroyContext) {
		snprintf(errbuf, DCEM_ERRSZ, "libEGL lacks EGL 1.4 functions");
		return DCEM_ERROR;
	}
	PFN_getPlatformDisplayEXT getPlatformDisplay =
		(PFN_getPlatformDisplayEXT)getProc("eglGetPlatformDisplayEXT");
	if (getPlatformDisplay == NULL) {
		snprintf(errbuf, DCEM_ERRSZ, "EGL lacks eglGetPlatformDisplayEXT (EGL_EXT_platform_base)");
		return DCEM_ERROR;
	}
	EGLDisplay dpy = getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, NULL, NULL);
	if (dpy == NULL) {
		snprintf(errbuf, DCEM_ERRSZ, "no EGL surfaceless display (EGL_MESA_platform_surfaceless), EGL error 0x%x",
				egl.getError());
		return DCEM_ERROR;
	}
	EGLint major, minor;
	if (!initialize(dpy, &major, &minor)) {
		snprintf(errbuf, DCEM_ERRSZ, "eglInitialize failed, EGL error 0x%x", egl.getError());
		return DCEM_ERROR;
	}
	// A surfaceless context renders to framebuffer objects only: ask for
	// pbuffer support, or for no surface type at all.
	EGLint attribs[] = {
		EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8,
		EGL_DEPTH_SIZE, 24, EGL_STENCIL_SIZE, 8,
		EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_NONE,
	};
	EGLint n = 0;
	if (!egl.chooseConfig(dpy, attribs, &egl.config, 1, &n) || n < 1) {
		attribs[15] = 0;
		egl.chooseConfig(dpy, attribs, &egl.config, 1, &n);
	}
	if (n < 1) {
		snprintf(errbuf, DCEM_ERRSZ, "no EGL config with 8-bit RGBA, 24-bit depth and desktop OpenGL (EGL error 0x%x)",
				egl.getError());
		return DCEM_ERROR;
	}
	if (!egl.bindAPI(EGL_OPENGL_API)) {
		snprintf(errbuf, DCEM_ERRSZ, "eglBindAPI(EGL_OPENGL_API) failed, EGL error 0x%x", egl.getError());
		return DCEM_ERROR;
	}
	egl.dpy = dpy;
	egl.ready = 1;
	return DCEM_OK;
}

static int make_current(EGLContext ctx, char *errbuf) {
	// The API binding is per thread.
	egl.bindAPI(EGL_OPENGL_API);
	if (!egl.makeCurrent(egl.dpy, NULL, NULL, ctx)) {
		snprintf(errbuf, DCEM_ERRSZ, "eglMakeCurrent failed, EGL error 0x%x", egl.getError());
		return DCEM_ERROR;
	}
	return DCEM_OK;
}

static void release_current(void) {
	egl.makeCurrent(egl.dpy, NULL, NULL, NULL);
}

static int renderer_init(dcem_renderer *r, const mjModel *m, int maxgeom, char *errbuf) {
	GUARD(errbuf);
	mjv_defaultScene(&r->scn);
	mjv_makeScene(m, &r->scn, maxgeom);
	r->haveScene = 1;
	mjv_defaultCamera(&r->cam);
	mjv_defaultOption(&r->opt);
	mjr_defaultContext(&r->con);
	mjr_makeContext(m, &r->con, mjFONTSCALE_100);
	r->haveCon = 1;
	mjr_setBuffer(mjFB_OFFSCREEN, &r->con);
	UNGUARD();
	if (r->con.currentBuffer != mjFB_OFFSCREEN) {
		snprintf(errbuf, DCEM_ERRSZ, "the offscreen framebuffer is not supported");
		return DCEM_ERROR;
	}
	return DCEM_OK;
}

static int renderer_release(dcem_renderer *r, char *errbuf) {
	GUARD(errbuf);
	if (r->haveCon) {
		mjr_freeContext(&r->con);
		r->haveCon = 0;
	}
	if (r->haveScene) {
		mjv_freeScene(&r->scn);
		r->haveScene = 0;
	}
	UNGUARD();
	return DCEM_OK;
}

void dcem_renderer_free(dcem_renderer *r) {
	char errbuf[DCEM_ERRSZ];
	if (r == NULL) {
		return;
	}
	if (r->ctx != NULL && make_current(r->ctx, errbuf) == DCEM_OK) {
		renderer_release(r, errbuf);
		release_current();
	}
	if (r->ctx != NULL) {
		egl.destroyContext(egl.dpy, r->ctx);
	}
	free(r);
}

dcem_renderer *dcem_renderer_new(const mjModel *m, int maxgeom, char *errbuf) {
	if (!egl.ready) {
		snprintf(errbuf, DCEM_ERRSZ, "EGL is not initialized");
		return NULL;
	}
	dcem_renderer *r = calloc(1, sizeof(dcem_renderer));
	if (r == NULL) {
		snprintf(errbuf, DCEM_ERRSZ, "cannot allocate the renderer");
		return NULL;
	}
	egl.bindAPI(EGL_OPENGL_API);
	r->ctx = egl.createContext(egl.dpy, egl.config, NULL, NULL);
	if (r->ctx == NULL) {
		snprintf(errbuf, DCEM_ERRSZ, "eglCreateContext failed, EGL error 0x%x", egl.getError());
		free(r);
		return NULL;
	}
	if (make_current(r->ctx, errbuf) != DCEM_OK) {
		dcem_renderer_free(r);
		return NULL;
	}
	int st = renderer_init(r, m, maxgeom, errbuf);
	release_current();
	if (st != DCEM_OK) {
		char msg[DCEM_ERRSZ];
		memcpy(msg, errbuf, DCEM_ERRSZ);
		dcem_renderer_free(r);
		memcpy(errbuf, msg, DCEM_ERRSZ);
		return NULL;
	}
	return r;
}

static int render_guarded(dcem_renderer *r, const mjModel *m, mjData *d, int camid, int width, int height,
		unsigned char *rgb, char *errbuf) {
	GUARD(errbuf);
	if (camid >= 0) {
		r->cam.type = mjCAMERA_FIXED;
		r->cam.fixedcamid = camid;
	} else {
		mjv_defaultFreeCamera(m, &r->cam);
	}
	mjv_updateScene(m, d, &r->opt, NULL, &r->cam, mjCAT_ALL, &r->scn);
	r->scn.flags[mjRND_SHADOW] = 0;
	r->scn.flags[mjRND_REFLECTION] = 0;
	mjrRect viewport = {0, 0, width, height};
	mjr_setBuffer(mjFB_OFFSCREEN, &r->con);
	mjr_render(viewport, &r->scn, &r->con);
	mjr_readPixels(rgb, NULL, viewport, &r->con);
	UNGUARD();
	return DCEM_OK;
}

int dcem_render(dcem_renderer *r, const mjModel *m, mjData *d, int camid, int width, int height,
		unsigned char *rgb, char *errbuf) {
	if (make_current(r->ctx, errbuf) != DCEM_OK) {
		return DCEM_ERROR;
	}
	int st = render_guarded(r, m, d, camid, width, height, rgb, errbuf);
	release_current();
	return st;
}
