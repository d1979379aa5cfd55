// Offscreen rendering of MuJoCo scenes through EGL (Mesa's surfaceless
// platform, or a GPU device), with libEGL loaded at run time so that the
// package builds and runs without it.

#ifndef DCEM_MUJOCO_RENDER_H
#define DCEM_MUJOCO_RENDER_H

#include "guard.h"

typedef struct dcem_renderer dcem_renderer;

// dcem_egl_init loads libEGL and opens a display, once per process. It
// returns DCEM_OK or DCEM_ERROR with the reason in errbuf.
int dcem_egl_init(char *errbuf);

// dcem_renderer_new makes an OpenGL context and MuJoCo's rendering context
// for model m, with a scene of at most maxgeom geoms.
dcem_renderer *dcem_renderer_new(const mjModel *m, int maxgeom, char *errbuf);

// dcem_render draws d from camera camid (-1: the free camera) into the
// width × height RGB buffer rgb, bottom row first.
int dcem_render(dcem_renderer *r, const mjModel *m, mjData *d, int camid, int width, int height,
		unsigned char *rgb, char *errbuf);

void dcem_renderer_free(dcem_renderer *r);

#endif
