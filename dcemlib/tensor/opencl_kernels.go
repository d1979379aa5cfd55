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
	case U_RELU: return fmax(x, 0.0f);
	case U_ELU: return x > 0.0f ? x : p * expm1(x);
	case U_POW: return pow(x, p);
	case U_CLAMP: return fmin(fmax(x, p), q);
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
`
