// Matrix multiply c = alpha * op(a) * op(b) + beta * c (row-major, op = optional transpose).
// Kernels:
//   gemm_general     one output per work-item, any size and transpose; for small products.
//   gemm_pack        copies op(a) / op(b) into MR-row / NR-column panels, zero-padded, transposes resolved.
//   gemm_register    CPU-class devices: each work-item keeps an MR x NR block of c in vector registers
//                    (NR = VW * NV) and walks op(a) and op(b) over one slice of k, reading each either from its
//                    packed panels or, where the layout allows, straight from the operand (strides from the host).
//   gemm_register_gathered  gemm_register reading in place a b whose rows end inside a block (the last rows'
//                    lanes gathered one by one) or, for small products, a transposed b (every lane gathered).
//   gemm_register_narrow  gemm_register_gathered one vector wide (NR = VW), for a c of at most VW columns.
//   gemm_batched     gemm_general over a 3-D range: one product per index of the third axis, each operand at
//                    its own stride (0 shares one matrix across the batch).
//   gemm_tiled       GPU-class devices: TS x TS tiles of a and b staged in local memory, WPT rows of c
//                    per work-item, bounds-checked loads so any size works; also over one slice of k.
//   gemm_sum_slices  c = alpha * (sum of the slices' partial products, in slice order) + beta * c.
// The third axis of gemm_register's and gemm_tiled's range is the k slice: slice s covers [s * depth,
// min(k, (s + 1) * depth)) and writes c + s * cSlice, so a product split over k runs in one launch (partial
// products, then gemm_sum_slices) and the split depends only on the shape and the tuning.
// Tuning macros (with defaults): MR 8, VW (common.cl), NV 2, TS 32, WPT 8.
// Epilogue: gemm_general, gemm_register, gemm_tiled and gemm_sum_slices end with a dense layer's bias and activation
// (activation.cl): each stored value v becomes activate(activation, v + bias[j], act), without the add when biased
// is 0; the identity without a bias stores v itself. A product split over k applies it only where it stores the sum.
// Assumptions: beta == 0 ignores c's previous contents; gemm_tiled runs in work-groups of exactly (TS, TS / WPT, 1)
// (declared with reqd_work_group_size, so a driver can size its registers and local memory for it).
#ifndef MR
#define MR 8
#endif
#ifndef NV
#define NV 2
#endif
#define NR (VW * NV)
#ifndef TS
#define TS 32
#endif
#ifndef WPT
#define WPT 8
#endif

#define A_AT(i, p) (transposeA ? a[(size_t) (p) * m + (i)] : a[(size_t) (i) * k + (p)])
#define B_AT(p, j) (transposeB ? b[(size_t) (j) * k + (p)] : b[(size_t) (p) * n + (j)])

static inline real scaled(const real alpha, const real sum, const real beta, __global const real* c) {
    return beta == 0 ? alpha * sum : alpha * sum + beta * c[0];
}

#define EPILOGUE __global const real* bias, const int biased, const int activation, const real act

// The epilogue of column j on one stored value v.
static inline real finish(const real v, const int j, EPILOGUE) {
    return activate(activation, biased ? v + bias[j] : v, act);
}

// A 2-D range (n, m), rounded up to the work-group size.
__kernel void gemm_general(const int m, const int n, const int k, const int transposeA, const int transposeB,
                           const real alpha, __global const real* a, __global const real* b,
                           const real beta, __global real* c, EPILOGUE) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i >= m || j >= n) return;
    real sum = 0;
    for (int p = 0; p < k; p++) {
        sum = fma(A_AT(i, p), B_AT(p, j), sum);
    }
    __global real* out = c + (size_t) i * n + j;
    out[0] = finish(scaled(alpha, sum, beta, out), j, bias, biased, activation, act);
}

// packed[(rowBlock * k + p) * MR + r] = op(a)[rowBlock * MR + r, p] for p in [p0, p0 + VW), zero past row m.
// Full blocks move without a bounds check per element: an untransposed a as MR row vectors written transposed, a
// transposed one as VW runs of MR contiguous elements.
static inline void pack_a(const int m, const int k, const int transposeA, __global const real* restrict a,
                          __global real* restrict packed, const int rowBlock, const int p0) {
    const int i0 = rowBlock * MR;
    __global real* out = packed + ((size_t) rowBlock * k + p0) * MR;
    if (i0 + MR <= m && p0 + VW <= k) {
        if (transposeA) {
            for (int q = 0; q < VW; q++) {
                __global const real* run = a + (size_t) (p0 + q) * m + i0;
#pragma unroll
                for (int r = 0; r < MR; r++) {
                    out[q * MR + r] = run[r];
                }
            }
            return;
        }
        real tile[MR][VW];
#pragma unroll
        for (int r = 0; r < MR; r++) {
            VSTORE(VLOAD(a + (size_t) (i0 + r) * k + p0), tile[r]);
        }
#pragma unroll
        for (int q = 0; q < VW; q++) {
#pragma unroll
            for (int r = 0; r < MR; r++) {
                out[q * MR + r] = tile[r][q];
            }
        }
    } else {
        for (int q = 0; q < VW && p0 + q < k; q++) {
            for (int r = 0; r < MR; r++) {
                const int i = i0 + r;
                out[q * MR + r] = i < m ? A_AT(i, p0 + q) : (real) 0;
            }
        }
    }
}

// Masks of shuffle2 that interleave the lanes of two vectors: ZIP_LO the first halves, ZIP_HI the second halves.
#if PRECISION == 64
#define maskV KILN_CONCAT(ulong, VW)
#else
#define maskV KILN_CONCAT(uint, VW)
#endif
#if VW == 16
#define ZIP_LO ((maskV) (0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23))
#define ZIP_HI ((maskV) (8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31))
#elif VW == 8
#define ZIP_LO ((maskV) (0, 8, 1, 9, 2, 10, 3, 11))
#define ZIP_HI ((maskV) (4, 12, 5, 13, 6, 14, 7, 15))
#elif VW == 4
#define ZIP_LO ((maskV) (0, 4, 1, 5))
#define ZIP_HI ((maskV) (2, 6, 3, 7))
#elif VW == 2
#define ZIP_LO ((maskV) (0, 2))
#define ZIP_HI ((maskV) (1, 3))
#endif

// Transposes the VW x VW tile held as VW row vectors in place: log2(VW) rounds of interleaving row i with row
// i + VW / 2, whole-vector shuffles where an element-wise copy compiled to one insert or extract per element.
static inline void transpose_tile(realV rows[VW]) {
#pragma unroll
    for (int round = 1; round < VW; round *= 2) {
        realV next[VW];
#pragma unroll
        for (int i = 0; i < VW / 2; i++) {
            next[2 * i] = shuffle2(rows[i], rows[i + VW / 2], ZIP_LO);
            next[2 * i + 1] = shuffle2(rows[i], rows[i + VW / 2], ZIP_HI);
        }
#pragma unroll
        for (int i = 0; i < VW; i++) {
            rows[i] = next[i];
        }
    }
}

// packed[(columnBlock * k + p) * NR + c] = op(b)[p, columnBlock * NR + c] for p in [p0, p0 + VW), zero past
// column n. Full blocks move as vectors: rows of an untransposed b, and columns of a transposed one, turned into rows
// VW x VW elements at a time.
static inline void pack_b(const int n, const int k, const int transposeB, __global const real* restrict b,
                          __global real* restrict packed, const int columnBlock, const int p0) {
    const int j0 = columnBlock * NR;
    __global real* out = packed + ((size_t) columnBlock * k + p0) * NR;
    if (transposeB && j0 + NR <= n && p0 + VW <= k) {
#pragma unroll
        for (int v = 0; v < NV; v++) {
            realV tile[VW];
#pragma unroll
            for (int c = 0; c < VW; c++) {
                tile[c] = VLOAD(b + (size_t) (j0 + v * VW + c) * k + p0);
            }
            transpose_tile(tile);
#pragma unroll
            for (int q = 0; q < VW; q++) {
                VSTORE(tile[q], out + q * NR + v * VW);
            }
        }
        return;
    }
    for (int p = p0; p < p0 + VW && p < k; p++, out += NR) {
        if (!transposeB && j0 + NR <= n) {
            __global const real* row = b + (size_t) p * n + j0;
#pragma unroll
            for (int v = 0; v < NV; v++) {
                VSTORE(VLOAD(row + v * VW), out + v * VW);
            }
        } else {
            for (int c = 0; c < NR; c++) {
                const int j = j0 + c;
                out[c] = j < n ? B_AT(p, j) : (real) 0;
            }
        }
    }
}

// Packs the first aBlocks row blocks of op(a) and the first bBlocks column blocks of op(b) in one launch (0 skips
// an operand that gemm_register reads in place; its buffer also fills the panels' argument, which restrict allows
// since nothing writes it): a 1-D range of (aBlocks + bBlocks) * ceil(k / VW) work-items, each moving VW consecutive
// p of one block. Neighbouring work-items take neighbouring memory: the next VW of p where p runs along the
// operand's rows (a untransposed, b transposed), the next block where it runs across them (1024^3 on PoCL: packing
// a transposed a 2-3x faster, an untransposed b 1.5-2x).
__kernel void gemm_pack(const int m, const int n, const int k, const int transposeA, const int transposeB,
                        const int aBlocks, const int bBlocks, __global const real* restrict a,
                        __global const real* restrict b, __global real* restrict packedA,
                        __global real* restrict packedB) {
    const int chunks = (k + VW - 1) / VW;
    int item = get_global_id(0);
    if (item >= (aBlocks + bBlocks) * chunks) return;
    const int ofA = item < aBlocks * chunks;
    if (!ofA) {
        item -= aBlocks * chunks;
    }
    const int blocks = ofA ? aBlocks : bBlocks;
    const int alongP = ofA ? !transposeA : transposeB;
    const int block = alongP ? item / chunks : item % blocks;
    const int p0 = (alongP ? item % chunks : item / blocks) * VW;
    if (ofA) {
        pack_a(m, k, transposeA, a, packedA, block, p0);
    } else {
        pack_b(n, k, transposeB, b, packedB, block, p0);
    }
}

// The MR x nv vectors of acc += op(a) x op(b) over [from, to), each step's nv vectors of b taken by LOAD_B.
#define REGISTER_LOOP(from, to, LOAD_B) \
    for (int p = from; p < to; p++) { \
        realV bv[NV]; \
        _Pragma("unroll") \
        for (int v = 0; v < NV; v++) { \
            bv[v] = v < nv ? LOAD_B(v) : (realV) 0; \
        } \
        _Pragma("unroll") \
        for (int r = 0; r < MR; r++) { \
            const realV av = (realV) pa[rowAt[r]]; \
            _Pragma("unroll") \
            for (int v = 0; v < NV; v++) { \
                acc[r][v] = fma(av, bv[v], acc[r][v]); \
            } \
        } \
        pa += aStep; \
        pb += bStep; \
    }

// Vector v of a block's row of op(b): VW contiguous elements, or lanes gathered bColumn apart, zero past bColumns.
#define B_VECTOR(v) VLOAD(pb + (v) * VW)
#define B_LANES(v) gather_b(pb, (v) * VW, columnBlock * nr, bColumn, bColumns)

static inline realV gather_b(__global const real* row, const int c0, const int j0, const int bColumn,
                             const int bColumns) {
    real lanes[VW];
#pragma unroll
    for (int lane = 0; lane < VW; lane++) {
        const int c = c0 + lane;
        lanes[lane] = j0 + c < bColumns ? row[(size_t) c * bColumn] : (real) 0;
    }
    return VLOAD(lanes);
}

// A 3-D range (row blocks, column blocks, k slices), the first two rounded up to the work-group shape. Work-items of
// a group that share a column block run one after another (its b panel stays in L1), and the group's a panels stay
// in L2 while it moves across its column blocks. op(a)[rowBlock * MR + r, p] is read at a[rowBlock * aBlock +
// p * aStep + min(r, aRows - 1 - rowBlock * MR) * aRow] (rows past the edge repeat the last one and are never
// stored) and op(b)[p, columnBlock * NR + c] at b[columnBlock * bBlock + p * bStep + c * bColumn] for the columns
// below bColumns (zero past them): packed panels, or the operands themselves (a either way round; b either way
// round too, a transposed one or a block past n gathering its lanes, the others loading whole vectors).
// gemm_register takes whole vectors of b, every block inside b's rows (bColumn 1, bColumns a multiple of NR);
// gemm_register_gathered also reads a b whose rows end inside a block, or (a small product) a transposed b.
#define REGISTER_PARAMETERS const int m, const int n, const int k, const int depth, const real alpha, \
    __global const real* a, const long aBlock, const int aStep, const int aRow, const int aRows, \
    __global const real* b, const long bBlock, const int bStep, const int bColumn, const int bColumns, \
    const real beta, __global real* c, const long cSlice, EPILOGUE
#define REGISTER_ARGUMENTS m, n, k, depth, alpha, a, aBlock, aStep, aRow, aRows, b, bBlock, bStep, bColumn, \
    bColumns, beta, c, cSlice, bias, biased, activation, act

// One work-item's block of MR x nv vectors; constant gathered and nv leave one loop of the width after inlining.
static inline void register_block(REGISTER_PARAMETERS, const int gathered, const int nv) {
    const int nr = VW * nv;
    const int rowBlock = get_global_id(0), columnBlock = get_global_id(1), slice = get_global_id(2);
    if (rowBlock * MR >= m || columnBlock * nr >= n) {
        return;
    }
    const int p0 = slice * depth, p1 = min(k, p0 + depth);
    __global const real* pa = a + rowBlock * aBlock + (size_t) p0 * aStep;
    size_t rowAt[MR];
#pragma unroll
    for (int r = 0; r < MR; r++) {
        rowAt[r] = (size_t) min(r, aRows - 1 - rowBlock * MR) * aRow;
    }
    __global const real* pb = b + columnBlock * bBlock + (size_t) p0 * bStep;
    c += slice * cSlice;
    realV acc[MR][NV];
#pragma unroll
    for (int r = 0; r < MR; r++) {
#pragma unroll
        for (int v = 0; v < NV; v++) {
            acc[r][v] = (realV) 0;
        }
    }
    if (gathered) {
        // Rows of an untransposed b load whole vectors while they stay inside b (lanes past its columns are never
        // stored); the last rows, and every row of a transposed b, gather.
        const int past = columnBlock * nr + nr - bColumns;
        const int vectorsTo = bColumn != 1 ? p0 : clamp(past <= 0 ? p1 : k - (past + bStep - 1) / bStep, p0, p1);
        REGISTER_LOOP(p0, vectorsTo, B_VECTOR)
        REGISTER_LOOP(vectorsTo, p1, B_LANES)
    } else {
        REGISTER_LOOP(p0, p1, B_VECTOR)
    }
#pragma unroll
    for (int r = 0; r < MR; r++) {
        const int i = rowBlock * MR + r;
        if (i < m) {
#pragma unroll
            for (int v = 0; v < NV; v++) {
                const int j = columnBlock * nr + v * VW;
                __global real* out = c + (size_t) i * n + j;
                if (v >= nv) {
                    break;
                } else if (j + VW <= n) {
                    const realV sum = (realV) alpha * acc[r][v];
                    realV value = beta == 0 ? sum : fma((realV) beta, VLOAD(out), sum);
                    if (biased) {
                        value += VLOAD(bias + j);
                    }
                    VSTORE(activate_v(activation, value, act), out);
                } else if (j < n) {
                    real lanes[VW];
                    VSTORE(acc[r][v], lanes);
                    for (int lane = 0; lane < n - j; lane++) {
                        out[lane] = finish(scaled(alpha, lanes[lane], beta, out + lane), j + lane, bias, biased,
                                           activation, act);
                    }
                }
            }
        }
    }
}

__kernel void gemm_register(REGISTER_PARAMETERS) {
    register_block(REGISTER_ARGUMENTS, 0, NV);
}

__kernel void gemm_register_gathered(REGISTER_PARAMETERS) {
    register_block(REGISTER_ARGUMENTS, 1, NV);
}

__kernel void gemm_register_narrow(REGISTER_PARAMETERS) {
    register_block(REGISTER_ARGUMENTS, 1, 1);
}

// A 3-D range (n rounded up to TS, m rounded up to TS and divided by WPT, k slices), work-groups of (TS, TS / WPT, 1).
// Loads are coalesced whatever the transposes: neighbouring work-items read neighbouring elements of each operand
// (a transposed operand's tile is stored transposed; the padding column keeps those stores free of bank conflicts).
__kernel __attribute__((reqd_work_group_size(TS, TS / WPT, 1)))
void gemm_tiled(const int m, const int n, const int k, const int depth,
                const int transposeA, const int transposeB, const real alpha, __global const real* a,
                __global const real* b, const real beta, __global real* c, const long cSlice, EPILOGUE) {
    __local real aTile[TS][TS + 1];
    __local real bTile[TS][TS + 1];
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int row0 = get_group_id(1) * TS, column0 = get_group_id(0) * TS, j = column0 + tx;
    const int rowStride = TS / WPT;
    const int p0 = get_global_id(2) * depth, p1 = min(k, p0 + depth);
    c += get_global_id(2) * cSlice;
    real acc[WPT];
#pragma unroll
    for (int w = 0; w < WPT; w++) {
        acc[w] = 0;
    }
    for (int t = p0; t < p1; t += TS) {
#pragma unroll
        for (int w = 0; w < WPT; w++) {
            const int r = ty + w * rowStride;
            if (transposeA) {
                aTile[tx][r] = (row0 + tx < m && t + r < p1) ? a[(size_t) (t + r) * m + row0 + tx] : (real) 0;
            } else {
                aTile[r][tx] = (row0 + r < m && t + tx < p1) ? a[(size_t) (row0 + r) * k + t + tx] : (real) 0;
            }
            if (transposeB) {
                bTile[tx][r] = (t + tx < p1 && column0 + r < n) ? b[(size_t) (column0 + r) * k + t + tx] : (real) 0;
            } else {
                bTile[r][tx] = (t + r < p1 && j < n) ? b[(size_t) (t + r) * n + j] : (real) 0;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < TS; p++) {
            const real bv = bTile[p][tx];
#pragma unroll
            for (int w = 0; w < WPT; w++) {
                acc[w] = fma(aTile[ty + w * rowStride][p], bv, acc[w]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#pragma unroll
    for (int w = 0; w < WPT; w++) {
        const int i = row0 + ty + w * rowStride;
        if (i < m && j < n) {
            __global real* out = c + (size_t) i * n + j;
            out[0] = finish(scaled(alpha, acc[w], beta, out), j, bias, biased, activation, act);
        }
    }
}

// A grid-stride loop over n = m * columns: c[q] = alpha * (partial[q] + partial[cSlice + q] + ...) over `slices`
// partial products, added in slice order, + beta * c[q], through the epilogue of column q % columns.
__kernel void gemm_sum_slices(const long n, const int columns, const int slices, const long cSlice, const real alpha,
                              __global const real* partial, const real beta, __global real* c, EPILOGUE) {
    FOR_EACH(q, n) {
        real sum = partial[q];
        for (int s = 1; s < slices; s++) {
            sum += partial[s * cSlice + q];
        }
        c[q] = finish(scaled(alpha, sum, beta, c + q), (int) (q % columns), bias, biased, activation, act);
    }
}

// A 3-D range (n, m rounded up to the work-group size, batch): gemm_general on a + q * strideA, b + q * strideB,
// c + q * strideC for product q.
__kernel void gemm_batched(const int m, const int n, const int k, const int transposeA, const int transposeB,
                           const real alpha, __global const real* a, const long strideA,
                           __global const real* b, const long strideB,
                           const real beta, __global real* c, const long strideC) {
    const int j = get_global_id(0), i = get_global_id(1);
    const size_t q = get_global_id(2);
    if (i >= m || j >= n) return;
    a += q * strideA;
    b += q * strideB;
    real sum = 0;
    for (int p = 0; p < k; p++) {
        sum = fma(A_AT(i, p), B_AT(p, j), sum);
    }
    __global real* out = c + q * strideC + (size_t) i * n + j;
    out[0] = scaled(alpha, sum, beta, out);
}
