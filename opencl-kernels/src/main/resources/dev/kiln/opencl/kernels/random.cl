// Counter-based random numbers: Philox-4x32-10 with key = seed (low word first) and
// counter = (offset + i) in words 0-1 (low first), words 2-3 zero, so every backend draws the same
// numbers for a (seed, offset) pair.
// Kernels: random_uniform, random_normal, random_bernoulli. Each work-item draws VW neighbouring elements, one
// Philox block per lane in vector registers (on PoCL a scalar block per work-item ran about 25x slower).
// Tuning macros: VW (common.cl). Assumptions: a 1-D range over ceil(n / VW) work-items, rounded up (kernels check
// their index).

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

#define uintV KILN_CONCAT(uint, VW)
#define CONVERT_REAL_V KILN_CONCAT(convert_, realV)

__constant uint KILN_LANES[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// Words 0 and 1 of the Philox blocks of counters first, first + 1, ..., first + VW - 1, one lane each.
typedef struct {
    uintV x, y;
} philox_words;

static inline philox_words philox(const ulong first, const uint seedLow, const uint seedHigh) {
    uintV x = (uintV) ((uint) first) + KILN_CONCAT(vload, VW)(0, KILN_LANES);
    // A lane whose low word wrapped carries into the high word.
    uintV y = (uintV) ((uint) (first >> 32)) + select((uintV) 0, (uintV) 1, x < (uintV) ((uint) first));
    uintV z = 0, w = 0;
    uint k0 = seedLow, k1 = seedHigh;
    for (int round = 0; round < 10; round++) {
        const uintV hi0 = mul_hi((uintV) PHILOX_M0, x), lo0 = (uintV) PHILOX_M0 * x;
        const uintV hi1 = mul_hi((uintV) PHILOX_M1, z), lo1 = (uintV) PHILOX_M1 * z;
        x = hi1 ^ y ^ k0;
        y = lo1;
        z = hi0 ^ w ^ k1;
        w = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    philox_words words;
    words.x = x;
    words.y = y;
    return words;
}

// 24 random bits as reals in [0, 1): exact in float and double.
static inline realV unit(const uintV words) {
    return CONVERT_REAL_V(words >> 8) * KILN_2_POW_MINUS_24;
}

// out[0 .. min(left, VW)) = the lanes of v.
static inline void store_lanes(const realV v, __global real* out, const size_t left) {
    if (left >= VW) {
        VSTORE(v, out);
        return;
    }
    real lanes[VW];
    VSTORE(v, lanes);
    for (size_t lane = 0; lane < left; lane++) {
        out[lane] = lanes[lane];
    }
}

// out = low + (high - low) * u.
__kernel void random_uniform(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                             const real low, const real high, __global real* out) {
    const size_t i = get_global_id(0) * VW;
    if (i >= n) return;
    const philox_words words = philox(offset + i, seedLow, seedHigh);
    store_lanes(low + (high - low) * unit(words.x), out + i, n - i);
}

// out = mean + deviation * sqrt(-2 ln u1) * cos(2 pi u2), u1 in (0, 1], u2 in [0, 1).
__kernel void random_normal(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                            const real mean, const real deviation, __global real* out) {
    const size_t i = get_global_id(0) * VW;
    if (i >= n) return;
    const philox_words words = philox(offset + i, seedLow, seedHigh);
    const realV u1 = CONVERT_REAL_V((words.x >> 8) + 1) * KILN_2_POW_MINUS_24;
    const realV u2 = unit(words.y);
    store_lanes(mean + deviation * sqrt(-2 * log(u1)) * cos(KILN_TWO_PI * u2), out + i, n - i);
}

// out = 1 if u < keep else 0, compared exactly as (x0 >> 8) < threshold with threshold = ceil(keep * 2^24),
// keep rounded to the element type first.
__kernel void random_bernoulli(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                               const uint threshold, __global real* out) {
    const size_t i = get_global_id(0) * VW;
    if (i >= n) return;
    const philox_words words = philox(offset + i, seedLow, seedHigh);
    store_lanes(CONVERT_REAL_V(select((uintV) 0, (uintV) 1, (words.x >> 8) < threshold)), out + i, n - i);
}
