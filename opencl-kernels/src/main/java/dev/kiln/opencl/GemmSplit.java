package dev.kiln.opencl;

/**
 * How a gemm walks k: in {@code slices} slices of {@code depth} (the last one shorter), each slice's partial product
 * written apart and the partials then added in slice order ({@code partials}), or the whole of k in one slice. It
 * depends only on the shape and the tuning, so results are reproducible.
 *
 * @param slices number of k slices
 * @param depth k per slice
 * @param partials whether the slices run in one launch into partial products
 */
record GemmSplit(int slices, int depth, boolean partials) {
    /**
     * Most elements the partial products may take (16 MiB of floats). Larger products have enough blocks of c to
     * keep a device busy without splitting k, and walk the whole of k: on PoCL 2048^3 ran 8-10% faster so than as
     * four launches of 512 accumulating into c, 4096^3 as fast.
     */
    static final long PARTIAL_LIMIT = 1L << 22;

    /**
     * The split of an m x n x k product: slices of the tuning's depth block once k exceeds two of them, their depth
     * balanced and rounded up to {@code granularity} (the tile edge of tiled kernels).
     */
    static GemmSplit of(GemmTuning tuning, int m, int n, int k, int granularity) {
        int depth = tuning.depthBlock();
        if (depth <= 0 || k <= 2L * depth) {
            return new GemmSplit(1, k, false);
        }
        int balanced = ceilDiv(k, ceilDiv(k, depth));
        depth = ceilDiv(balanced, granularity) * granularity;
        int slices = ceilDiv(k, depth);
        return (long) slices * m * n <= PARTIAL_LIMIT ? new GemmSplit(slices, depth, true) : new GemmSplit(1, k, false);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
