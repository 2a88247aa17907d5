package dev.kiln.cpu;

/**
 * How the CPU gemm cuts c [m, n] = op(a) [m, k] · op(b) [k, n] into units of work. The kernels accumulate each row of
 * the product in its own array, vectorised along the row, so a short row (n = 32 or 64 in a convolution) leaves the
 * vector loop little to do: a tall, narrow c is computed as c^T = op(b)^T · op(a)^T, whose rows run along m. Either way
 * the same products are summed in the same order. A large k under a small c is cut into parts of {@link #PART_DEPTH},
 * each summed on its own and the parts' sums then added in increasing order, so that the cores share the work; the
 * parts depend on the shape alone, never on the thread count, so the results are the same on every machine.
 * <p>
 * In the plan's frame the product is left [rows, depth] · right [depth, columns]: the left operand is read element by
 * element, the right one is packed into row arrays (or into strips by the vector kernel), and a unit of work is one
 * part of k, one block of at most
 * {@link #PANEL_COLUMNS} columns and one tile of rows.
 */
final class GemmPlan {
    /** Widest row of accumulators. */
    static final int PANEL_COLUMNS = 512;
    /** Depth a block of rows goes through before the next rows; a multiple of the scalar kernels' 4 terms per pass. */
    static final int PANEL_DEPTH = 64;
    /** Rows of accumulators that a unit of work holds at most. */
    static final int TILE_ROWS = 128;
    /** Depth of each part of a k that is cut, a multiple of {@link #PANEL_DEPTH}. */
    static final int PART_DEPTH = 1024;
    /** Largest c (elements) whose k is cut: every part keeps a copy of c. */
    static final long PART_OUTPUT = 1 << 16;
    /** Floats of packed panel in one slice of depth, small enough to stay in a core's cache. */
    static final int SLICE_FLOATS = 1 << 16;
    /** Width below which a c twice as tall as wide is computed transposed. */
    static final int NARROW = 128;

    /** Whether the product computed is c^T (rows along n, columns along m). */
    final boolean transposed;
    final int rows;
    final int columns;
    final int depth;
    final int parts;
    final int partDepth;
    final int columnBlocks;
    /** Columns of every block but the last, a multiple of 16. */
    final int blockWidth;
    final int rowTiles;
    /** Element (row, p) of the left operand is at row * leftRowStride + p * leftDepthStride of its array. */
    final int leftRowStride;
    final int leftDepthStride;
    /** Element (p, column) of the right operand is at p * rightDepthStride + column * rightColumnStride of its array. */
    final int rightDepthStride;
    final int rightColumnStride;

    /** The plan of one product for {@code tasks} threads; only the row tiles depend on {@code tasks}. */
    GemmPlan(boolean transposeA, boolean transposeB, int m, int n, int k, int tasks) {
        transposed = n < NARROW && m >= 2 * n;
        rows = transposed ? n : m;
        columns = transposed ? m : n;
        depth = k;
        parts = k >= 2 * PART_DEPTH && (long) m * n <= PART_OUTPUT ? (k + PART_DEPTH - 1) / PART_DEPTH : 1;
        partDepth = parts == 1 ? k : PART_DEPTH;
        // Blocks of equal width, and a number of units that the threads share evenly.
        int blocks = (columns + PANEL_COLUMNS - 1) / PANEL_COLUMNS;
        blockWidth = ((columns + blocks - 1) / blocks + 15) / 16 * 16;
        columnBlocks = (columns + blockWidth - 1) / blockWidth;
        int tiles = Math.max((rows + TILE_ROWS - 1) / TILE_ROWS, (tasks + parts * columnBlocks - 1) / (parts * columnBlocks));
        int multiple = tasks / gcd(tasks, parts * columnBlocks);
        rowTiles = Math.min(rows, (tiles + multiple - 1) / multiple * multiple);
        // op(a)[i, p] is a[i * k + p], or a[p * m + i] when transposed; op(b)[p, j] is b[p * n + j], or b[j * k + p].
        int aRow = transposeA ? 1 : k, aDepth = transposeA ? m : 1;
        int bDepth = transposeB ? 1 : n, bColumn = transposeB ? k : 1;
        leftRowStride = transposed ? bColumn : aRow;
        leftDepthStride = transposed ? bDepth : aDepth;
        rightDepthStride = transposed ? aDepth : bDepth;
        rightColumnStride = transposed ? aRow : bColumn;
    }

    /** The depth of a slice of a panel {@code width} wide: a multiple of {@link #PANEL_DEPTH} that stays in cache. */
    static int depthSlice(int width) {
        return Math.max(PANEL_DEPTH, SLICE_FLOATS / width / PANEL_DEPTH * PANEL_DEPTH);
    }

    private static int gcd(int x, int y) {
        return y == 0 ? x : gcd(y, x % y);
    }

    int units() {
        return parts * columnBlocks * rowTiles;
    }

    /** Units are ordered part, column block, row tile, so that a thread's consecutive units share packed panels. */
    int part(int unit) {
        return unit / (columnBlocks * rowTiles);
    }

    int columnBlock(int unit) {
        return unit / rowTiles % columnBlocks;
    }

    int firstRow(int unit) {
        return (int) ((long) rows * (unit % rowTiles) / rowTiles);
    }

    int endRow(int unit) {
        return (int) ((long) rows * (unit % rowTiles + 1) / rowTiles);
    }

    int firstColumn(int unit) {
        return columnBlock(unit) * blockWidth;
    }

    int width(int unit) {
        return Math.min(blockWidth, columns - firstColumn(unit));
    }

    int firstDepth(int unit) {
        return part(unit) * partDepth;
    }

    int span(int unit) {
        return Math.min(partDepth, depth - firstDepth(unit));
    }
}
