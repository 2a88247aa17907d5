// Counter-based random numbers: Philox-4x32-10 with key = seed (low word first). Element e = offset + i takes
// word e % 4 of the block of counter e / 4 (in words 0-1, low first; words 2-3 zero), so every backend draws the
// same numbers for a (seed, offset) pair and one block yields four elements (Distribution.java).
// Kernels: random_uniform, random_normal, random_bernoulli. Each work-item computes VW neighbouring blocks, one
// per lane in vector registers (on PoCL a scalar block per work-item ran about 25x slower), and writes their
// 4 * VW elements.
// Tuning macros: VW, INDEX_BITS (common.cl). Assumptions: a capped 1-D range, each kernel a grid-stride loop over
// the ceil(blocks / VW) work-items, blocks = the blocks the n elements touch.
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

#define uintV KILN_CONCAT(uint, VW)
#define CONVERT_REAL_V KILN_CONCAT(convert_, realV)

__constant uint KILN_LANES[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// The four words of the Philox blocks of counters first, first + 1, ..., first + VW - 1, one lane each.
typedef struct {
    uintV x, y, z, w;
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
    words.z = z;
    words.w = w;
    return words;
}

// 24 random bits as reals in [0, 1): exact in float and double.
static inline realV unit(const uintV words) {
    return CONVERT_REAL_V(words >> 8) * KILN_2_POW_MINUS_24;
}

// The elements of one work-item's blocks: word k of each lane's block as the real in v[k].
typedef struct {
    realV v[4];
} block_values;

// Stores the elements of the blocks first .. first + VW - 1 that fall in [offset, offset + n): element e of block b
// (4 b <= e < 4 b + 4) goes to out[e - offset].
static inline void store_blocks(const block_values values, const ulong first, const ulong offset, const ulong n,
                                __global real* out) {
    real lanes[4][VW];
    for (int k = 0; k < 4; k++) {
        VSTORE(values.v[k], lanes[k]);
    }
    const ulong start = 4 * first;
    if (start >= offset && start + 4 * VW <= offset + n) {
        __global real* target = out + (start - offset);
        for (int lane = 0; lane < VW; lane++) {
            for (int k = 0; k < 4; k++) {
                target[4 * lane + k] = lanes[k][lane];
            }
        }
        return;
    }
    for (int lane = 0; lane < VW; lane++) {
        for (int k = 0; k < 4; k++) {
            const ulong e = start + 4 * lane + k;
            if (e >= offset && e < offset + n) {
                out[e - offset] = lanes[k][lane];
            }
        }
    }
}

// The grid-stride loop over the work-items of n elements from offset; FIRST_BLOCK is the first of an item's VW blocks.
#define FOR_EACH_BLOCKS(item) \
    FOR_EACH(item, ((offset + n + 3) / 4 - offset / 4 + VW - 1) / VW)
#define FIRST_BLOCK(item) (offset / 4 + (ulong) (item) * VW)

// out = low + (high - low) * u.
__kernel void random_uniform(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                             const real low, const real high, __global real* out) {
    FOR_EACH_BLOCKS(item) {
        const ulong block = FIRST_BLOCK(item);
        const philox_words words = philox(block, seedLow, seedHigh);
        block_values values;
        values.v[0] = low + (high - low) * unit(words.x);
        values.v[1] = low + (high - low) * unit(words.y);
        values.v[2] = low + (high - low) * unit(words.z);
        values.v[3] = low + (high - low) * unit(words.w);
        store_blocks(values, block, offset, n, out);
    }
}

// Words 0-1 and 2-3 each make one Box-Muller pair: element 4b + 2j = mean + deviation * r cos(theta), element
// 4b + 2j + 1 = mean + deviation * r sin(theta), r = sqrt(-2 ln u1), theta = 2 pi u2, u1 = ((word 2j >> 8) + 1) *
// 2^-24 in (0, 1], u2 = unit(word 2j + 1) in [0, 1).
__kernel void random_normal(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                            const real mean, const real deviation, __global real* out) {
    FOR_EACH_BLOCKS(item) {
        const ulong block = FIRST_BLOCK(item);
        const philox_words words = philox(block, seedLow, seedHigh);
        const realV r0 = sqrt(-2 * log(CONVERT_REAL_V((words.x >> 8) + 1) * KILN_2_POW_MINUS_24));
        const realV r1 = sqrt(-2 * log(CONVERT_REAL_V((words.z >> 8) + 1) * KILN_2_POW_MINUS_24));
        const realV theta0 = KILN_TWO_PI * unit(words.y), theta1 = KILN_TWO_PI * unit(words.w);
        block_values values;
        values.v[0] = mean + deviation * (r0 * cos(theta0));
        values.v[1] = mean + deviation * (r0 * sin(theta0));
        values.v[2] = mean + deviation * (r1 * cos(theta1));
        values.v[3] = mean + deviation * (r1 * sin(theta1));
        store_blocks(values, block, offset, n, out);
    }
}

// out = 1 if u < keep else 0, compared exactly as (word >> 8) < threshold with threshold = ceil(keep * 2^24),
// keep rounded to the element type first.
#define KEEP(word) CONVERT_REAL_V(select((uintV) 0, (uintV) 1, ((word) >> 8) < threshold))
__kernel void random_bernoulli(const long n, const ulong offset, const uint seedLow, const uint seedHigh,
                               const uint threshold, __global real* out) {
    FOR_EACH_BLOCKS(item) {
        const ulong block = FIRST_BLOCK(item);
        const philox_words words = philox(block, seedLow, seedHigh);
        block_values values;
        values.v[0] = KEEP(words.x);
        values.v[1] = KEEP(words.y);
        values.v[2] = KEEP(words.z);
        values.v[3] = KEEP(words.w);
        store_blocks(values, block, offset, n, out);
    }
}
