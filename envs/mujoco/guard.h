// Guarded entry points into MuJoCo 2.2.2.
//
// MuJoCo reports fatal errors by calling mju_user_error and expects it never
// to return (the default handler prints and exits the process). Each function
// here sets a per-thread recovery point with sigsetjmp; the installed error
// handler copies the message and siglongjmps back to it, so the call returns
// a status code instead. All MuJoCo code between the recovery point and the
// error is C, so no destructors are skipped.

#ifndef DCEM_MUJOCO_GUARD_H
#define DCEM_MUJOCO_GUARD_H

#include <mujoco/mujoco.h>
#include <setjmp.h>

enum {
	DCEM_OK = 0,
	DCEM_ERROR = 1,   // mju_error was raised; message in errbuf
	DCEM_WARNING = 2, // a simulation warning was raised; its type in *warning
};

#define DCEM_ERRSZ 1024

// The recovery point of the guarded call running on this thread, if any.
extern __thread sigjmp_buf *dcem_jmp;
// Where the error handler copies the message for the guarded call.
extern __thread char *dcem_errbuf;

// GUARD opens a recovery point; on an error the enclosing function returns
// DCEM_ERROR. The saved values are not modified after sigsetjmp.
#define GUARD(errbuf)                                   \
	sigjmp_buf jb;                                      \
	sigjmp_buf *prevjmp = dcem_jmp;                     \
	char *preverr = dcem_errbuf;                        \
	errbuf[0] = 0;                                      \
	if (sigsetjmp(jb, 0) != 0) {                        \
		dcem_jmp = prevjmp;                             \
		dcem_errbuf = preverr;                          \
		return DCEM_ERROR;                              \
	}                                                   \
	dcem_jmp = &jb;                                     \
	dcem_errbuf = errbuf;

#define UNGUARD()           \
	dcem_jmp = prevjmp;     \
	dcem_errbuf = preverr;

void dcem_install_handlers(void);

// dcem_load_vfs compiles the model mainfile from a private virtual file
// system holding nfile files: names[k] with contents datas[k] of sizes[k]
// bytes.
mjModel *dcem_load_vfs(const char *mainfile, int nfile, char **names, char **datas, int *sizes,
		char *errbuf);

// dcem_load_file compiles the MJCF or URDF file at path.
mjModel *dcem_load_file(const char *path, char *errbuf);

int dcem_make_data(const mjModel *m, mjData **out, char *errbuf);

// dcem_step advances d by n steps with the mj_step2/mj_step1 split: on
// return, positions, velocities and sensors are computed for the new state.
// It stops at the first new warning and stores its type in *warning.
int dcem_step(const mjModel *m, mjData *d, int n, char *errbuf, int *warning);

// dcem_step_plain advances d by n calls of mj_step.
int dcem_step_plain(const mjModel *m, mjData *d, int n, char *errbuf, int *warning);

int dcem_forward(const mjModel *m, mjData *d, char *errbuf, int *warning);
int dcem_reset(const mjModel *m, mjData *d, char *errbuf);
int dcem_copy_data(const mjModel *m, mjData *dst, const mjData *src, char *errbuf);
int dcem_subtree_vel(const mjModel *m, mjData *d, char *errbuf);

// dcem_raise calls mju_error_s with msg under the guard; it exists so tests
// can check that an engine error becomes a return code.
int dcem_raise(const char *msg, char *errbuf);

#endif
