// Matrix multiply c = alpha * op(a) * op(b) + beta * c (row-major, op = optional transpose).
// Kernels:
//   gemm_general   one output per work-item, any size and transpose; for small products.
//   gemm_pack      copies op(a) / op(b) into MR-row / NR-column panels, zero-padded, transposes resolved.
//   gemm_register  CPU-class devices: each work-item keeps an MR x NR block of c in vector registers
//                  (NR = VW * NV) and walks the packed panels over k in [k0, k1); no local memory.
//   gemm_batched   gemm_general over a 3-D range: one product per index of the third axis, each operand at
//                  its own stride (0 shares one matrix across the batch).
//   gemm_tiled     GPU-class devices: TS x TS tiles of a and b staged in local memory, WPT rows of c
//                  per work-item, bounds-checked loads so any size works.
// Tuning macros (with defaults): MR 8, VW (common.cl), NV 2, TS 32, WPT 8.
// Assumptions: beta == 0 ignores c's previous contents; the host splits k for cache blocking and
// passes beta = 1 for every slice after the first.
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

inline real scaled(const real alpha, const real sum, const real beta, __global const real* c) {
    return beta == 0 ? alpha * sum : alpha * sum + beta * c[0];
}

// A 2-D range (n, m), rounded up to the work-group size.
__kernel void gemm_general(const int m, const int n, const int k, const int transposeA, const int transposeB,
                           const real alpha, __global const real* a, __global const real* b,
                           const real beta, __global real* c) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i >= m || j >= n) return;
    real sum = 0;
    for (int p = 0; p < k; p++) {
        sum = fma(A_AT(i, p), B_AT(p, j), sum);
    }
    __global real* out = c + (size_t) i * n + j;
    out[0] = scaled(alpha, sum, beta, out);
}

// packed[(rowBlock * k + p) * MR + r] = op(a)[rowBlock * MR + r, p] for p in [p0, p0 + VW), zero past row m.
// Full blocks of an untransposed a are read as MR row vectors and written transposed.
inline void pack_a(const int m, const int k, const int transposeA, __global const real* a, __global real* packed,
                   const int rowBlock, const int p0) {
    const int i0 = rowBlock * MR;
    __global real* out = packed + ((size_t) rowBlock * k + p0) * MR;
    if (!transposeA && i0 + MR <= m && p0 + VW <= k) {
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

// packed[(columnBlock * k + p) * NR + c] = op(b)[p, columnBlock * NR + c] for p in [p0, p0 + VW), zero past
// column n. Full blocks of an untransposed b move as vectors.
inline void pack_b(const int n, const int k, const int transposeB, __global const real* b, __global real* packed,
                   const int columnBlock, const int p0) {
    const int j0 = columnBlock * NR;
    for (int p = p0; p < p0 + VW && p < k; p++) {
        __global real* out = packed + ((size_t) columnBlock * k + p) * NR;
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

// Packs op(a) into MR-row panels and op(b) into NR-column panels in one launch: a 2-D range (k / VW rounded up
// to the work-group size, row blocks + column blocks), each work-item moving VW consecutive p of one block.
__kernel void gemm_pack(const int m, const int n, const int k, const int transposeA, const int transposeB,
                        __global const real* a, __global const real* b,
                        __global real* packedA, __global real* packedB) {
    const int p0 = get_global_id(0) * VW, block = get_global_id(1);
    const int rowBlocks = (m + MR - 1) / MR;
    if (p0 >= k) return;
    if (block < rowBlocks) {
        pack_a(m, k, transposeA, a, packedA, block, p0);
    } else {
        pack_b(n, k, transposeB, b, packedB, block - rowBlocks, p0);
    }
}

// A 2-D range (row blocks, column blocks), each rounded up to the work-group shape. Work-items of a group that
// share a column block run one after another (its packed b panel stays in L1), and the group's a panels stay in
// L2 while it moves across its column blocks.
__kernel void gemm_register(const int m, const int n, const int k, const int k0, const int k1,
                            const real alpha, __global const real* packedA, __global const real* packedB,
                            const real beta, __global real* c) {
    const int rowBlock = get_global_id(0), columnBlock = get_global_id(1);
    if (rowBlock * MR >= m || columnBlock * NR >= n) {
        return;
    }
    __global const real* pa = packedA + ((size_t) rowBlock * k + k0) * MR;
    __global const real* pb = packedB + ((size_t) columnBlock * k + k0) * NR;
    realV acc[MR][NV];
#pragma unroll
    for (int r = 0; r < MR; r++) {
#pragma unroll
        for (int v = 0; v < NV; v++) {
            acc[r][v] = (realV) 0;
        }
    }
    for (int p = k0; p < k1; p++) {
        realV bv[NV];
#pragma unroll
        for (int v = 0; v < NV; v++) {
            bv[v] = VLOAD(pb + v * VW);
        }
#pragma unroll
        for (int r = 0; r < MR; r++) {
            const realV av = (realV) pa[r];
#pragma unroll
            for (int v = 0; v < NV; v++) {
                acc[r][v] = fma(av, bv[v], acc[r][v]);
            }
        }
        pa += MR;
        pb += NR;
    }
#pragma unroll
    for (int r = 0; r < MR; r++) {
        const int i = rowBlock * MR + r;
        if (i < m) {
#pragma unroll
            for (int v = 0; v < NV; v++) {
                const int j = columnBlock * NR + v * VW;
                __global real* out = c + (size_t) i * n + j;
                if (j + VW <= n) {
                    const realV sum = (realV) alpha * acc[r][v];
                    VSTORE(beta == 0 ? sum : fma((realV) beta, VLOAD(out), sum), out);
                } else if (j < n) {
                    real lanes[VW];
                    VSTORE(acc[r][v], lanes);
                    for (int lane = 0; lane < n - j; lane++) {
                        out[lane] = scaled(alpha, lanes[lane], beta, out + lane);
                    }
                }
            }
        }
    }
}

// A 2-D range (n rounded up to TS, m rounded up to TS, divided by WPT), work-groups of (TS, TS / WPT).
__kernel void gemm_tiled(const int m, const int n, const int k, const int transposeA, const int transposeB,
                         const real alpha, __global const real* a, __global const real* b,
                         const real beta, __global real* c) {
    __local real aTile[TS][TS];
    __local real bTile[TS][TS];
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int row0 = get_group_id(1) * TS, j = get_group_id(0) * TS + tx;
    const int rowStride = TS / WPT;
    real acc[WPT];
#pragma unroll
    for (int w = 0; w < WPT; w++) {
        acc[w] = 0;
    }
    for (int t = 0; t < k; t += TS) {
#pragma unroll
        for (int w = 0; w < WPT; w++) {
            const int r = ty + w * rowStride;
            const int i = row0 + r, pa = t + tx, pb = t + r;
            aTile[r][tx] = (i < m && pa < k) ? A_AT(i, pa) : (real) 0;
            bTile[r][tx] = (pb < k && j < n) ? B_AT(pb, j) : (real) 0;
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
            out[0] = scaled(alpha, acc[w], beta, out);
        }
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
