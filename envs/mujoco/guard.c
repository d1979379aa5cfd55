#include "guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__thread sigjmp_buf *dcem_jmp;
__thread char *dcem_errbuf;

static void dcem_error_handler(const char *msg) {
	sigjmp_buf *jb = dcem_jmp;
	if (dcem_errbuf != NULL) {
		snprintf(dcem_errbuf, DCEM_ERRSZ, "%s", msg);
	}
	if (jb == NULL) {
		// An error outside every guard: returning into MuJoCo is unsafe.
		fprintf(stderr, "mujoco: unguarded MuJoCo error: %s\n", msg);
		abort();
	}
	dcem_jmp = NULL;
	siglongjmp(*jb, 1);
}

static void dcem_warning_handler(const char *msg) {
	// Simulation warnings are detected through mjData.warning counters;
	// the text is rebuilt with mju_warningText. Nothing is printed.
	(void)msg;
}

void dcem_install_handlers(void) {
	mju_user_error = dcem_error_handler;
	mju_user_warning = dcem_warning_handler;
}

static mjModel *load_guarded(const char *filename, const mjVFS *vfs, char *errbuf, int *status) {
	mjModel *m = NULL;
	sigjmp_buf jb;
	sigjmp_buf *prevjmp = dcem_jmp;
	char *preverr = dcem_errbuf;
	errbuf[0] = 0;
	if (sigsetjmp(jb, 0) != 0) {
		dcem_jmp = prevjmp;
		dcem_errbuf = preverr;
		*status = DCEM_ERROR;
		return NULL;
	}
	dcem_jmp = &jb;
	dcem_errbuf = errbuf;
	m = mj_loadXML(filename, vfs, errbuf, DCEM_ERRSZ);
	UNGUARD();
	*status = m == NULL ? DCEM_ERROR : DCEM_OK;
	return m;
}

mjModel *dcem_load_vfs(const char *mainfile, int nfile, char **names, char **datas, int *sizes,
		char *errbuf) {
	int status;
	mjModel *m;
	mjVFS *vfs = malloc(sizeof(mjVFS)); // about 2 MB: never on the stack
	if (vfs == NULL) {
		snprintf(errbuf, DCEM_ERRSZ, "cannot allocate the virtual file system");
		return NULL;
	}
	mj_defaultVFS(vfs);
	for (int k = 0; k < nfile; k++) {
		int r = mj_makeEmptyFileVFS(vfs, names[k], sizes[k]);
		if (r != 0) {
			snprintf(errbuf, DCEM_ERRSZ, "cannot add %s to the virtual file system (%s)", names[k],
					r == 1 ? "it is full" : "repeated name");
			mj_deleteVFS(vfs);
			free(vfs);
			return NULL;
		}
		int i = mj_findFileVFS(vfs, names[k]);
		memcpy(vfs->filedata[i], datas[k], sizes[k]);
	}
	m = load_guarded(mainfile, vfs, errbuf, &status);
	mj_deleteVFS(vfs);
	free(vfs);
	return m;
}

mjModel *dcem_load_file(const char *path, char *errbuf) {
	int status;
	return load_guarded(path, NULL, errbuf, &status);
}

int dcem_make_data(const mjModel *m, mjData **out, char *errbuf) {
	GUARD(errbuf);
	*out = mj_makeData(m);
	UNGUARD();
	if (*out == NULL) {
		snprintf(errbuf, DCEM_ERRSZ, "mj_makeData returned NULL");
		return DCEM_ERROR;
	}
	return DCEM_OK;
}

// warnings_total sums the warning counters of d.
static int warnings_total(const mjData *d) {
	int s = 0;
	for (int i = 0; i < mjNWARNING; i++) {
		s += d->warning[i].number;
	}
	return s;
}

// new_warning returns the type of a warning counter that grew since before,
// or -1.
static int new_warning(const mjData *d, const int *before) {
	for (int i = 0; i < mjNWARNING; i++) {
		if (d->warning[i].number != before[i]) {
			return i;
		}
	}
	return -1;
}

static void save_warnings(const mjData *d, int *before) {
	for (int i = 0; i < mjNWARNING; i++) {
		before[i] = d->warning[i].number;
	}
}

int dcem_step(const mjModel *m, mjData *d, int n, char *errbuf, int *warning) {
	int before[mjNWARNING];
	int total = warnings_total(d);
	save_warnings(d, before);
	*warning = -1;
	GUARD(errbuf);
	for (int i = 0; i < n; i++) {
		mj_step2(m, d);
		mj_step1(m, d);
		if (warnings_total(d) != total) {
			UNGUARD();
			*warning = new_warning(d, before);
			return DCEM_WARNING;
		}
	}
	UNGUARD();
	return DCEM_OK;
}

int dcem_step_plain(const mjModel *m, mjData *d, int n, char *errbuf, int *warning) {
	int before[mjNWARNING];
	int total = warnings_total(d);
	save_warnings(d, before);
	*warning = -1;
	GUARD(errbuf);
	for (int i = 0; i < n; i++) {
		mj_step(m, d);
		if (warnings_total(d) != total) {
			UNGUARD();
			*warning = new_warning(d, before);
			return DCEM_WARNING;
		}
	}
	UNGUARD();
	return DCEM_OK;
}

int dcem_forward(const mjModel *m, mjData *d, char *errbuf, int *warning) {
	int before[mjNWARNING];
	int total = warnings_total(d);
	save_warnings(d, before);
	*warning = -1;
	GUARD(errbuf);
	mj_forward(m, d);
	UNGUARD();
	if (warnings_total(d) != total) {
		*warning = new_warning(d, before);
		return DCEM_WARNING;
	}
	return DCEM_OK;
}

int dcem_reset(const mjModel *m, mjData *d, char *errbuf) {
	GUARD(errbuf);
	mj_resetData(m, d);
	UNGUARD();
	return DCEM_OK;
}

int dcem_copy_data(const mjModel *m, mjData *dst, const mjData *src, char *errbuf) {
	GUARD(errbuf);
	mj_copyData(dst, m, src);
	UNGUARD();
	return DCEM_OK;
}

int dcem_subtree_vel(const mjModel *m, mjData *d, char *errbuf) {
	GUARD(errbuf);
	mj_subtreeVel(m, d);
	UNGUARD();
	return DCEM_OK;
}

int dcem_raise(const char *msg, char *errbuf) {
	GUARD(errbuf);
	mju_error_s("%s", msg);
	UNGUARD();
	return DCEM_OK;
}
