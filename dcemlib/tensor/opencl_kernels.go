//go:build opencl && cgo

package tensor

// clSource is the OpenCL C program of the device kernels (matrix products
// go to CLBlast). Every kernel takes its buffers first, then its int
// arguments, then its float arguments, as launch passes them; one work item
// computes one output element unless a kernel says otherwise.
const clSource = `
#define WG 64

/* The unary functions; the numbers are those of unKind. */
#define U_SQUARE 0
#define U_SQRT 1
#define U_EXP 2
#define U_LOG 3
#define U_ABS 4
#define U_SIN 5
#define U_COS 6
#define U_SIGMOID 7
#define U_TANH 8
#define U_SOFTPLUS 9
#define U_RELU 10
#define U_ELU 11
#define U_POW 12
#define U_CLAMP 13
#define U_ADDS 14
#define U_MULS 15
#define U_SOFTPLUS_OUT 16

float sigm(float x) {
	if (x >= 0.0f) return 1.0f / (1.0f + exp(-x));
	float e = exp(x);
	return e / (1.0f + e);
}

float unary_f(int k, float x, float p, float q) {
	switch (k) {
	case U_SQUARE: return x * x;
	case U_SQRT: return sqrt(x);
	case U_EXP: return exp(x);
	case U_LOG: return log(x);
	case U_ABS: return fabs(x);
	case U_SIN: return sin(x);
	case U_COS: return cos(x);
	case U_SIGMOID: return sigm(x);
	case U_TANH: return tanh(x);
	case U_SOFTPLUS:
	case U_SOFTPLUS_OUT: return fmax(x, 0.0f) + log1p(exp(-fabs(x)));
	case U_RELU: return x > 0.0f || isnan(x) ? x : 0.0f; /* NaN stays NaN, as on the host */
	case U_ELU: return x > 0.0f ? x : p * expm1(x);
	case U_POW: return pow(x, p);
	case U_CLAMP: return isnan(x) ? x : fmin(fmax(x, p), q);
	case U_ADDS: return x + p;
	case U_MULS: return x * p;
	}
	return 0.0f;
}

/* The derivative at input x with output y. */
float unary_d(int k, float x, float y, float p, float q) {
	switch (k) {
	case U_SQUARE: return 2.0f * x;
	case U_SQRT: return 0.5f / y;
	case U_EXP: return y;
	case U_LOG: return 1.0f / x;
	case U_ABS: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
	case U_SIN: return cos(x);
	case U_COS: return -sin(x);
	case U_SIGMOID: return y * (1.0f - y);
	case U_TANH: return 1.0f - y * y;
	case U_SOFTPLUS: return sigm(x);
	case U_SOFTPLUS_OUT: return -expm1(-y); /* σ(x) = 1 − e^(−softplus(x)) */
	case U_RELU: return x > 0.0f ? 1.0f : 0.0f;
	case U_ELU: return x > 0.0f ? 1.0f : y + p;
	case U_POW: return p == 0.0f ? 0.0f : p * pow(x, p - 1.0f);
	case U_CLAMP: return (x >= p && x <= q) ? 1.0f : 0.0f;
	case U_ADDS: return 1.0f;
	case U_MULS: return p;
	}
	return 0.0f;
}

__kernel void unary(__global float* out, __global const float* x, int n, int k, float p, float q) {
	int i = get_global_id(0);
	if (i < n) out[i] = unary_f(k, x[i], p, q);
}

__kernel void unary_grad(__global float* dst, __global const float* g, __global const float* x,
		__global const float* y, int n, int k, int acc, float p, float q) {
	int i = get_global_id(0);
	if (i >= n) return;
	float d = g[i] * unary_d(k, x[i], y[i], p, q);
	dst[i] = acc ? dst[i] + d : d;
}

/* The binary functions; the numbers are those of binKind. */
float binary_f(int k, float x, float y) {
	switch (k) {
	case 0: return x + y;
	case 1: return x - y;
	case 2: return x * y;
	case 3: return x / y;
	case 4: return isnan(x) ? x : (isnan(y) ? y : (x > y ? x : y));
	case 5: return isnan(x) ? x : (isnan(y) ? y : (x < y ? x : y));
	}
	return 0.0f;
}

/* The offsets into a and b of result element i, over up to four merged
   broadcast axes d0..d3 with operand strides (0 on broadcast axes). */
#define BCAST_OFFSETS \
	int c3 = i % d3, r = i / d3; \
	int c2 = r % d2; r /= d2; \
	int c1 = r % d1, c0 = r / d1; \
	int ia = c0 * a0 + c1 * a1 + c2 * a2 + c3 * a3; \
	int ib = c0 * b0 + c1 * b1 + c2 * b2 + c3 * b3;

#define BCAST_ARGS int d0, int d1, int d2, int d3, int a0, int a1, int a2, int a3, int b0, int b1, int b2, int b3

__kernel void binary(__global float* out, __global const float* a, __global const float* b,
		int n, int k, BCAST_ARGS) {
	int i = get_global_id(0);
	if (i >= n) return;
	BCAST_OFFSETS
	out[i] = binary_f(k, a[ia], b[ib]);
}

/* The elementwise partial gradients of a ∘ b, laid out like the result:
   wa and wb say which to write, acca and accb whether to add. */
__kernel void binary_grad(__global float* da, __global float* db, __global const float* g,
		__global const float* a, __global const float* b,
		int n, int k, int wa, int wb, int acca, int accb, BCAST_ARGS) {
	int i = get_global_id(0);
	if (i >= n) return;
	BCAST_OFFSETS
	float x = a[ia], y = b[ib], gi = g[i], ga = 0.0f, gb = 0.0f;
	switch (k) {
	case 0: ga = gi; gb = gi; break;
	case 1: ga = gi; gb = -gi; break;
	case 2: ga = gi * y; gb = gi * x; break;
	case 3: ga = gi / y; gb = -ga * x / y; break;
	case 4: if (x >= y) ga = gi; else gb = gi; break;
	case 5: if (x <= y) ga = gi; else gb = gi; break;
	}
	if (wa) da[i] = acca ? da[i] + ga : ga;
	if (wb) db[i] = accb ? db[i] + gb : gb;
}

/* dst[j] += scale · Σ src over the broadcast axes: dst has n elements and
   strides s0..s3 (0 on broadcast axes) over the result's merged axes d0..d3. */
__kernel void reduce_to(__global float* dst, __global const float* src, int n,
		int d0, int d1, int d2, int d3, int s0, int s1, int s2, int s3, float scale) {
	int j = get_global_id(0);
	if (j >= n) return;
	int o3 = 1, o2 = d3, o1 = d2 * d3, o0 = d1 * d2 * d3;
	int base = (s0 ? (j / s0) % d0 : 0) * o0 + (s1 ? (j / s1) % d1 : 0) * o1 +
		(s2 ? (j / s2) % d2 : 0) * o2 + (s3 ? (j / s3) % d3 : 0) * o3;
	int e0n = s0 ? 1 : d0, e1n = s1 ? 1 : d1, e2n = s2 ? 1 : d2, e3n = s3 ? 1 : d3;
	float acc = 0.0f;
	for (int e0 = 0; e0 < e0n; e0++)
		for (int e1 = 0; e1 < e1n; e1++)
			for (int e2 = 0; e2 < e2n; e2++)
				for (int e3 = 0; e3 < e3n; e3++)
					acc += src[base + e0 * o0 + e1 * o1 + e2 * o2 + e3 * o3];
	dst[j] += scale * acc;
}

/* One work group of WG items per row: out[r] = scale · Σ x[r, :]. */
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void sum_rows(__global float* out, __global const float* x, int n, int acc, float scale) {
	__local float part[WG];
	int r = get_group_id(0), l = get_local_id(0);
	__global const float* row = x + (size_t)r * n;
	float s = 0.0f;
	for (int j = l; j < n; j += WG) s += row[j];
	part[l] = s;
	barrier(CLK_LOCAL_MEM_FENCE);
	for (int w = WG / 2; w > 0; w >>= 1) {
		if (l < w) part[l] += part[l + w];
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (l == 0) out[r] = acc ? out[r] + scale * part[0] : scale * part[0];
}

/* The first pass of a long sum: work group g sums the elements
   g·WG + l + m·(groups·WG) into out[g]. */
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void sum_partial(__global float* out, __global const float* x, int n) {
	__local float part[WG];
	int g = get_group_id(0), l = get_local_id(0), stride = get_num_groups(0) * WG;
	float s = 0.0f;
	for (int j = g * WG + l; j < n; j += stride) s += x[j];
	part[l] = s;
	barrier(CLK_LOCAL_MEM_FENCE);
	for (int w = WG / 2; w > 0; w >>= 1) {
		if (l < w) part[l] += part[l + w];
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (l == 0) out[g] = part[0];
}

/* out[o, i] (+)= Σ_j x[o, j, i] for x laid out (outer, n, inner). */
__kernel void sum_inner(__global float* out, __global const float* x, int outer, int n, int inner, int acc) {
	int t = get_global_id(0);
	if (t >= outer * inner) return;
	int o = t / inner, i = t % inner;
	__global const float* p = x + (size_t)o * n * inner + i;
	float s = 0.0f;
	for (int j = 0; j < n; j++) s += p[(size_t)j * inner];
	out[t] = acc ? out[t] + s : s;
}

/* dst[o, j, i] += scale · g[o, i]. */
__kernel void spread(__global float* dst, __global const float* g, int total, int n, int inner, float scale) {
	int t = get_global_id(0);
	if (t >= total) return;
	int i = t % inner, o = t / (n * inner);
	dst[t] += scale * g[o * inner + i];
}

__kernel void fill_rows(__global float* out, __global const float* b, int total, int n) {
	int t = get_global_id(0);
	if (t < total) out[t] = b[t % n];
}

__kernel void axpy(__global float* dst, __global const float* src, int n, float alpha) {
	int i = get_global_id(0);
	if (i < n) dst[i] += alpha * src[i];
}
/* real is the type of the row kernels' accumulations: double where the
   device has it (as on the host), else float. */
#ifdef DCEM_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
#else
typedef float real;
#endif

/* dst[r·ds + dof + j] (+)= src[r·ss + sof + j] for r < rows, j < n: the
   blocks of Slice and Concat, and their gradients. */
__kernel void copy_rows(__global float* dst, __global const float* src, int rows, int n,
		int ds, int dof, int ss, int sof, int acc) {
	int t = get_global_id(0);
	if (t >= rows * n) return;
	int r = t / n, j = t % n;
	int di = r * ds + dof + j;
	float v = src[r * ss + sof + j];
	dst[di] = acc ? dst[di] + v : v;
}

/* A strided view over up to six axes d0..d5 with source strides s0..s5:
   out[i] = src[view(i)], or with scatter out[view(i)] += src[i] (the view
   of a permutation touches every element once). */
__kernel void permute(__global float* out, __global const float* src, int n, int scatter,
		int d0, int d1, int d2, int d3, int d4, int d5,
		int s0, int s1, int s2, int s3, int s4, int s5) {
	int i = get_global_id(0);
	if (i >= n) return;
	int r = i, off = 0;
	off += (r % d5) * s5; r /= d5;
	off += (r % d4) * s4; r /= d4;
	off += (r % d3) * s3; r /= d3;
	off += (r % d2) * s2; r /= d2;
	off += (r % d1) * s1; r /= d1;
	off += r * s0;
	if (scatter) out[off] += src[i];
	else out[i] = src[off];
}

/* out[o, j, i] = x[o, idx[j], i] for x laid out (outer, n, inner). */
__kernel void index_select(__global float* out, __global const float* x, __global const int* idx,
		int outer, int n, int m, int inner) {
	int t = get_global_id(0);
	if (t >= outer * m * inner) return;
	int i = t % inner, r = t / inner, j = r % m, o = r / m;
	out[t] = x[(o * n + idx[j]) * inner + i];
}

/* dst[o, x, i] += Σ_{j: idx[j] = x} g[o, j, i]: one work item per
   destination, so repeated indices need no atomics. */
__kernel void index_select_grad(__global float* dst, __global const float* g, __global const int* idx,
		int outer, int n, int m, int inner) {
	int t = get_global_id(0);
	if (t >= outer * n * inner) return;
	int i = t % inner, r = t / inner, x = r % n, o = r / n;
	float s = 0.0f;
	for (int j = 0; j < m; j++)
		if (idx[j] == x) s += g[(o * m + j) * inner + i];
	dst[t] += s;
}

/* out[o, j, i] = x[o, idx[o, j, i], i]. */
__kernel void gather(__global float* out, __global const float* x, __global const int* idx,
		int outer, int n, int m, int inner) {
	int t = get_global_id(0);
	if (t >= outer * m * inner) return;
	int i = t % inner, o = t / (m * inner);
	out[t] = x[(o * n + idx[t]) * inner + i];
}

__kernel void gather_grad(__global float* dst, __global const float* g, __global const int* idx,
		int outer, int n, int m, int inner) {
	int t = get_global_id(0);
	if (t >= outer * n * inner) return;
	int i = t % inner, r = t / inner, x = r % n, o = r / n;
	float s = 0.0f;
	for (int j = 0; j < m; j++) {
		int k = (o * m + j) * inner + i;
		if (idx[k] == x) s += g[k];
	}
	dst[t] += s;
}

/* The maximum (ismax) or minimum over the middle axis of (outer, n,
   inner), and its first position; NaN wins. */
__kernel void extreme(__global float* out, __global int* arg, __global const float* x,
		int outer, int n, int inner, int ismax) {
	int t = get_global_id(0);
	if (t >= outer * inner) return;
	int o = t / inner, i = t % inner;
	__global const float* p = x + (size_t)o * n * inner + i;
	float best = p[0];
	int bj = 0;
	for (int j = 1; j < n; j++) {
		float v = p[(size_t)j * inner];
		if ((ismax && v > best) || (!ismax && v < best) || (isnan(v) && !isnan(best))) {
			best = v;
			bj = j;
		}
	}
	out[t] = best;
	arg[t] = bj;
}

__kernel void extreme_grad(__global float* dst, __global const float* g, __global const int* arg,
		int outer, int n, int inner) {
	int t = get_global_id(0);
	if (t >= outer * inner) return;
	int o = t / inner, i = t % inner;
	dst[((size_t)o * n + arg[t]) * inner + i] += g[t];
}

/* log Σ exp over the middle axis of (outer, n, inner), stably. */
__kernel void logsumexp(__global float* out, __global const float* x, int outer, int n, int inner) {
	int t = get_global_id(0);
	if (t >= outer * inner) return;
	int o = t / inner, i = t % inner;
	__global const float* p = x + (size_t)o * n * inner + i;
	real m = -INFINITY;
	for (int j = 0; j < n; j++) m = fmax(m, (real)p[(size_t)j * inner]);
	if (isinf(m) && m < 0) {
		out[t] = (float)m;
		return;
	}
	real s = 0;
	for (int j = 0; j < n; j++) s += exp((real)p[(size_t)j * inner] - m);
	out[t] = (float)(m + log(s));
}

/* dst[o, j, i] += g[o, i] · exp(x[o, j, i] − out[o, i]). */
__kernel void logsumexp_grad(__global float* dst, __global const float* g, __global const float* x,
		__global const float* out, int outer, int n, int inner) {
	int t = get_global_id(0);
	if (t >= outer * n * inner) return;
	int i = t % inner, o = t / (n * inner), k = o * inner + i;
	float l = out[k];
	if (isinf(l) && l < 0) return;
	dst[t] += g[k] * (float)exp((real)x[t] - (real)l);
}

/* Each row of x: (x − x̄)/(s + eps) into out and s into sd, with s the
   unbiased standard deviation. One work item per row. */
__kernel void standardize(__global float* out, __global float* sd, __global const float* x,
		int rows, int n, float eps) {
	int r = get_global_id(0);
	if (r >= rows) return;
	__global const float* xr = x + (size_t)r * n;
	__global float* yr = out + (size_t)r * n;
	real m = 0;
	for (int j = 0; j < n; j++) m += xr[j];
	m /= n;
	real ss = 0;
	for (int j = 0; j < n; j++) {
		real d = xr[j] - m;
		ss += d * d;
	}
	real s = sqrt(ss / (n - 1));
	real inv = 1 / (s + (real)eps);
	for (int j = 0; j < n; j++) yr[j] = (float)((xr[j] - m) * inv);
	sd[r] = (float)s;
}

/* dx += (g − ḡ)/(s + eps) − y·(gᵀy)/(s·(n − 1)) per row. */
__kernel void standardize_grad(__global float* dst, __global const float* g, __global const float* y,
		__global const float* sd, int rows, int n, float eps) {
	int r = get_global_id(0);
	if (r >= rows) return;
	__global const float* gr = g + (size_t)r * n;
	__global const float* yr = y + (size_t)r * n;
	__global float* dr = dst + (size_t)r * n;
	real gm = 0, gy = 0;
	for (int j = 0; j < n; j++) {
		gm += gr[j];
		gy += (real)gr[j] * yr[j];
	}
	gm /= n;
	real s = sd[r], inv = 1 / (s + (real)eps), c = s > 0 ? gy / (s * (n - 1)) : 0;
	for (int j = 0; j < n; j++) dr[j] += (float)((gr[j] - gm) * inv - c * yr[j]);
}

__kernel void where_sel(__global float* out, __global const float* a, __global const float* b,
		__global const float* mask, int n) {
	int i = get_global_id(0);
	if (i < n) out[i] = mask[i] != 0.0f ? a[i] : b[i];
}

__kernel void where_grad(__global float* da, __global float* db, __global const float* g,
		__global const float* mask, int n, int wa, int wb) {
	int i = get_global_id(0);
	if (i >= n) return;
	if (mask[i] != 0.0f) {
		if (wa) da[i] += g[i];
	} else if (wb) db[i] += g[i];
}

/* The gate arithmetic of GRUCell for element j of row b: a = [aᵣ, a𝓏, aₙ]
   and c = [cᵣ, c𝓏, cₙ] hold the two products with their biases; a
   becomes the gates [r, z, n] (kept for the gradient). */
__kernel void gru_gates(__global float* a, __global const float* c, __global const float* h,
		__global float* out, int rows, int hs) {
	int t = get_global_id(0);
	if (t >= rows * hs) return;
	int b = t / hs, j = t % hs;
	__global float* A = a + (size_t)b * 3 * hs;
	__global const float* C = c + (size_t)b * 3 * hs;
	float r = sigm(A[j] + C[j]);
	float z = sigm(A[hs + j] + C[hs + j]);
	float n = tanh(A[2 * hs + j] + r * C[2 * hs + j]);
	A[j] = r;
	A[hs + j] = z;
	A[2 * hs + j] = n;
	out[t] = n + z * (h[t] - n);
}

/* The gradients of the pre-activations of GRUCell's gates from the
   gradient g of h' (see gru_gates); adds g ⊙ z into dh when hasdh. */
__kernel void gru_grad(__global float* da, __global float* dc, __global float* dh,
		__global const float* g, __global const float* a, __global const float* c,
		__global const float* h, int rows, int hs, int hasdh) {
	int t = get_global_id(0);
	if (t >= rows * hs) return;
	int b = t / hs, j = t % hs;
	size_t o = (size_t)b * 3 * hs;
	float r = a[o + j], z = a[o + hs + j], n = a[o + 2 * hs + j], cn = c[o + 2 * hs + j];
	float gj = g[t];
	float dn = gj * (1.0f - z) * (1.0f - n * n);
	float dz = gj * (h[t] - n) * z * (1.0f - z);
	float dr = dn * cn * r * (1.0f - r);
	da[o + j] = dr;
	da[o + hs + j] = dz;
	da[o + 2 * hs + j] = dn;
	dc[o + j] = dr;
	dc[o + hs + j] = dz;
	dc[o + 2 * hs + j] = dn * r;
	if (hasdh) dh[t] += gj * z;
}

/* g(ν) = Σ σ(zᵢ + ν) − k for a row of the LML projection, writing σ(zᵢ + ν)
   into y and g'(ν) into *df; zᵢ = xᵢ·inv. */
real lml_eval(__global float* y, __global const float* x, int n, real inv, real zmax, real fk, real nu, real* df) {
	real w = exp(-(nu + zmax)), sum = 0, dsum = 0;
	for (int i = 0; i < n; i++) {
		real zi = x[i] * inv;
		real p = exp(zmax - zi) * w;
		if (p != p) p = exp(-(zi + nu));
		real sg = 1 / (1 + p);
		y[i] = (float)sg;
		sum += sg;
		dsum += sg * (1 - sg);
	}
	*df = dsum;
	return sum - fk;
}

#define LML_MAXIT 1100

/* The LML projection of each row (one work item per row): the root ν of
   Σ σ(xᵢ/τ + ν) = k by the host's safeguarded Newton method in the bracket
   [logit(k/n) − zmax, logit(k/n) − zmin]. status[r] is 0, i + 1 when entry i
   is not finite or overflows x/τ, or −1 when the search did not meet eps. */
__kernel void lml_forward(__global float* y, __global int* status, __global const float* x,
		int rows, int n, int k, float tau, float epsf) {
	int r = get_global_id(0);
	if (r >= rows) return;
	__global const float* xr = x + (size_t)r * n;
	__global float* yr = y + (size_t)r * n;
	if (n <= k) {
		for (int i = 0; i < n; i++) yr[i] = 1.0f;
		for (int i = 0; i < n; i++)
			if (!isfinite(xr[i])) {
				status[r] = i + 1;
				return;
			}
		status[r] = 0;
		return;
	}
	real inv = 1 / (real)tau, eps = epsf;
	real zmax = -INFINITY, zmin = INFINITY, zsum = 0;
	for (int i = 0; i < n; i++) {
		real zi = xr[i] * inv;
		if (!isfinite(xr[i]) || isinf(zi)) {
			status[r] = i + 1;
			return;
		}
		zmax = fmax(zmax, zi);
		zmin = fmin(zmin, zi);
		zsum += zi;
	}
	real fk = k, df;
	real logit = log(fk / (n - k));
	real lo = logit - zmax, hi = logit - zmin;
	real nu = logit - zsum / n;
	nu = fmin(fmax(nu, lo), hi);
	real step = hi - lo;
	for (int it = 0; it < LML_MAXIT; it++) {
		real f = lml_eval(yr, xr, n, inv, zmax, fk, nu, &df);
		if (f == 0) {
			status[r] = 0;
			return;
		}
		if (f < 0) lo = nu;
		else hi = nu;
		real next = nu - f / df, prev = step;
		if (df == 0 || !(next > lo && next < hi) || fabs(next - nu) > 0.5 * fabs(prev))
			next = 0.5 * (lo + hi);
		step = next - nu;
		nu = next;
		if (fabs(step) < eps || hi - lo < eps) {
			lml_eval(yr, xr, n, inv, zmax, fk, nu, &df);
			status[r] = 0;
			return;
		}
	}
	status[r] = -1;
}

/* dx += h ⊙ (g − (hᵀg)/(1ᵀh))/τ per row, h = y ⊙ (1 − y). */
__kernel void lml_backward(__global float* dx, __global const float* y, __global const float* g,
		int rows, int n, float tau) {
	int r = get_global_id(0);
	if (r >= rows) return;
	__global const float* yr = y + (size_t)r * n;
	__global const float* gr = g + (size_t)r * n;
	__global float* dr = dx + (size_t)r * n;
	real sh = 0, shg = 0;
	for (int i = 0; i < n; i++) {
		real h = (real)yr[i] * (1 - (real)yr[i]);
		sh += h;
		shg += h * gr[i];
	}
	if (sh == 0) return;
	real c = shg / sh, inv = 1 / (real)tau;
	for (int i = 0; i < n; i++) {
		real h = (real)yr[i] * (1 - (real)yr[i]);
		dr[i] += (float)(h * (gr[i] - c) * inv);
	}
}

/* Philox-4x32-10 (Salmon et al. 2011), as Philox4x32 in philox.go: ten
   rounds of two multiply-hi-lo steps, the key bumped by the Weyl constants
   between rounds. */
uint4 philox4x32_10(uint4 c, uint2 k) {
	for (int r = 0; r < 10; r++) {
		if (r > 0) {
			k.x += 0x9E3779B9u;
			k.y += 0xBB67AE85u;
		}
		uint hi0 = mul_hi(0xD2511F53u, c.x), lo0 = 0xD2511F53u * c.x;
		uint hi1 = mul_hi(0xCD9E8D57u, c.z), lo1 = 0xCD9E8D57u * c.z;
		c = (uint4)(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
	}
	return c;
}

/* A word as a uniform in (0, 1): (2*floor(x/2^9) + 1)/2^24, exact. */
float philox_u01(uint x) { return (float)((x >> 8) | 1u) * 5.9604644775390625e-8f; }

/* Block i of the stream (seed, stream): counter (i lo, i hi, stream lo,
   stream hi), key (seed lo, seed hi). */
uint4 philox_block(size_t i, uint k0, uint k1, uint s0, uint s1) {
	return philox4x32_10((uint4)((uint)i, (uint)(i >> 32), s0, s1), (uint2)(k0, k1));
}

/* Standard normals by Box-Muller, four per work item (block i): elements
   4i..4i+3 are r cos(2 pi u2), r sin(2 pi u2) with r = sqrt(-2 log u1) for
   the uniforms (u1, u2) of words (x, y), then the same for (z, w). */
__kernel void philox_normal(__global float* out, int n, uint k0, uint k1, uint s0, uint s1, float lo, float w) {
	size_t i = get_global_id(0), j = 4 * i;
	if (j >= (size_t)n) return;
	uint4 b = philox_block(i, k0, k1, s0, s1);
	float r0 = sqrt(-2.0f * log(philox_u01(b.x))), t0 = 2.0f * philox_u01(b.y);
	float r1 = sqrt(-2.0f * log(philox_u01(b.z))), t1 = 2.0f * philox_u01(b.w);
	float z[4] = {r0 * cospi(t0), r0 * sinpi(t0), r1 * cospi(t1), r1 * sinpi(t1)};
	for (int q = 0; q < 4 && j + q < (size_t)n; q++) out[j + q] = z[q];
}

/* Uniforms lo + w*u in [lo, lo + w), four per work item (block i). */
__kernel void philox_uniform(__global float* out, int n, uint k0, uint k1, uint s0, uint s1, float lo, float w) {
	size_t i = get_global_id(0), j = 4 * i;
	if (j >= (size_t)n) return;
	uint4 b = philox_block(i, k0, k1, s0, s1);
	uint v[4] = {b.x, b.y, b.z, b.w};
	for (int q = 0; q < 4 && j + q < (size_t)n; q++) out[j + q] = lo + w * philox_u01(v[q]);
}
`
