// Counter-based random numbers: Philox-4x32-10 with key = seed (low word first) and
// counter = (offset + i) in words 0-1 (low first), words 2-3 zero, so every backend draws the same
// numbers for a (seed, offset) pair.
// Kernels: random_uniform, random_normal, random_bernoulli.
// Tuning macros: none. Assumptions: a 1-D range over the n outputs, rounded up (kernels check the index).

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

inline uint4 philox(const ulong counter, const uint seedLow, const uint seedHigh) {
    uint4 c = (uint4) ((uint) counter, (uint) (counter >> 32), 0u, 0u);
    uint k0 = seedLow, k1 = seedHigh;
    for (int round = 0; round < 10; round++) {
        const uint hi0 = mul_hi(PHILOX_M0, c.x), lo0 = PHILOX_M0 * c.x;
        const uint hi1 = mul_hi(PHILOX_M1, c.z), lo1 = PHILOX_M1 * c.z;
        c = (uint4) (hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0);
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    return c;
}

// 24 random bits as a real in [0, 1): exact in float and double.
inline real unit(const uint word) {
    return (real) (word >> 8) * KILN_2_POW_MINUS_24;
}

// out = low + (high - low) * u.
__kernel void random_uniform(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                             const real low, const real high, __global real* out) {
    const size_t i = get_global_id(0);
    if (i >= n) return;
    const uint4 x = philox(offset + i, seedLow, seedHigh);
    out[i] = low + (high - low) * unit(x.x);
}

// out = mean + deviation * sqrt(-2 ln u1) * cos(2 pi u2), u1 in (0, 1], u2 in [0, 1).
__kernel void random_normal(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                            const real mean, const real deviation, __global real* out) {
    const size_t i = get_global_id(0);
    if (i >= n) return;
    const uint4 x = philox(offset + i, seedLow, seedHigh);
    const real u1 = (real) ((x.x >> 8) + 1) * KILN_2_POW_MINUS_24;
    const real u2 = unit(x.y);
    out[i] = mean + deviation * sqrt(-2 * log(u1)) * cos(KILN_TWO_PI * u2);
}

// out = 1 if u < keep else 0, compared exactly as (x0 >> 8) < threshold with threshold = ceil(keep * 2^24),
// keep rounded to the element type first.
__kernel void random_bernoulli(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                               const uint threshold, __global real* out) {
    const size_t i = get_global_id(0);
    if (i >= n) return;
    const uint4 x = philox(offset + i, seedLow, seedHigh);
    out[i] = (x.x >> 8) < threshold ? (real) 1 : (real) 0;
}
