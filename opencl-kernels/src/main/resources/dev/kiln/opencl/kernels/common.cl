// Prelude shared by every kernel family: the element type `real` and its vector types.
// Tuning macros: PRECISION (32 or 64, default 32), VW (vector width 2/4/8/16, default 8), INDEX_BITS (32 or 64,
// default 64: the width of index arithmetic, index_t) and GRID_STRIDE (1, the default: 1-D kernels loop over their
// range; 0: one index per work-item, the range covering every index).
// Assumptions: OpenCL C 1.2; PRECISION 64 needs cl_khr_fp64 (the host checks before building); INDEX_BITS 32 only
// when every buffer of a launch holds fewer than 2^31 elements (KernelLaunch chooses); 1-D ranges of at most 2^30
// work-items (GlobalSizeCap).
#ifndef PRECISION
#define PRECISION 32
#endif
#ifndef VW
#define VW 8
#endif
#ifndef INDEX_BITS
#define INDEX_BITS 64
#endif
#ifndef GRID_STRIDE
#define GRID_STRIDE 1
#endif

// No contraction of a * b + c into fma: results stay bit-comparable with the CPU backend's separate roundings.
#pragma OPENCL FP_CONTRACT OFF

#define KILN_CONCAT_(a, b) a##b
#define KILN_CONCAT(a, b) KILN_CONCAT_(a, b)

#if PRECISION == 64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
#define KILN_REAL double
#define KILN_TWO_PI 6.283185307179586
#else
typedef float real;
#define KILN_REAL float
#define KILN_TWO_PI 6.2831853f
#endif
#define KILN_2_POW_MINUS_24 ((real) 0x1.0p-24f)

// realV: VW lanes of real; VLOAD/VSTORE move VW contiguous elements.
#define realV KILN_CONCAT(KILN_REAL, VW)
#define VLOAD(p) KILN_CONCAT(vload, VW)(0, (p))
#define VSTORE(v, p) KILN_CONCAT(vstore, VW)((v), 0, (p))

// The lanes of one work-item, for kernels written once for both widths: S_ one element, V_ VW neighbouring ones.
// _T holds values; _LOAD/_STORE move LANES contiguous elements.
#define S_LANES 1
#define S_T real
#define S_LOAD(p) (*(p))
#define S_STORE(v, p) (*(p) = (v))
#define V_LANES VW
#define V_T realV
#define V_LOAD(p) VLOAD(p)
#define V_STORE(v, p) VSTORE(v, p)

// Java's Math.max/min semantics: NaN wins. Type-generic (scalars and vectors alike); arguments are evaluated twice.
#define KILN_MAX(a, b) ((isnan(a) || (a) > (b)) ? (a) : (b))
#define KILN_MIN(a, b) ((isnan(a) || (a) < (b)) ? (a) : (b))

// GPUs emulate 64-bit division and remainder in many instructions, so indices are 32-bit wherever sizes allow.
#if INDEX_BITS == 32
typedef uint index_t;
#else
typedef ulong index_t;
#endif

// Grid-stride loops: the host caps 1-D ranges, so work-item q takes q, q + the global size, ... below n (a 32-bit
// q cannot wrap: n < 2^31 and the range is at most 2^30). FOR_EACH_GROUP steps work-group ids the same way, for
// kernels that give each work-group one row. CPU devices build with GRID_STRIDE 0 and uncapped ranges: PoCL
// vectorises across the work-items of a group only when the kernel body holds no loop of unknown trip count (the
// Adam update ran 3-5x slower as a grid-stride loop); there FOR_EACH runs its body at most once.
#if GRID_STRIDE
#define FOR_EACH(q, n) for (index_t q = get_global_id(0); q < (index_t) (n); q += get_global_size(0))
#else
#define FOR_EACH(q, n) for (index_t q = get_global_id(0); q < (index_t) (n); q = (index_t) (n))
#endif
#define FOR_EACH_GROUP(r, rows) for (index_t r = get_group_id(0); r < (index_t) (rows); r += get_num_groups(0))

// n / d for 0 <= n < 2^31, given by = (ceil(2^s / d), s) with s = 31 + ceil(log2(d)) (Granlund-Montgomery; the
// host computes the constants, see Divisor.java): integer division would dominate the cost of small kernels.
static inline int divide(const int n, const uint2 by) {
    return (int) (((ulong) n * by.x) >> by.y);
}
