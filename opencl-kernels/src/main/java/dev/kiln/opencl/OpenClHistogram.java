package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.HistogramScale;
import java.util.function.Supplier;

/**
 * Launches the histogram of reduce.cl on checked buffers: histogram_chunks counts fixed chunks of x in parallel,
 * each into its own row of partial counts, then histogram_sum adds the rows per bin; integer sums make the counts
 * exact and independent of the chunking.
 */
final class OpenClHistogram {
    /** Fewest elements a work-item counts. */
    private static final int MIN_CHUNK = 256;
    /** Most chunks, and most partial counts (16 MiB of ints), whatever the length and the number of bins. */
    private static final int MAX_CHUNKS = 16384;
    private static final int MAX_PARTIAL_COUNTS = 1 << 22;

    private final OpenClBackend backend;

    OpenClHistogram(OpenClBackend backend) {
        this.backend = backend;
    }

    void histogram(ClBuffer x, double low, double high, int bins, ClBuffer counts) {
        DType dtype = x.dtype();
        long n = x.length();
        int chunks = chunks(n, bins);
        int chunk = (int) ((n + chunks - 1) / chunks);
        Supplier<String> shapes = () -> n + " elements in " + bins + " bins over [" + low + ", " + high + "], "
                + chunks + " chunks";
        ClBuffer partial = backend.scratch(DType.I32, (long) chunks * bins);
        try {
            backend.launch(dtype, KernelFamily.REDUCE, "histogram_chunks", shapes)
                    .unsignedLong(n).integer(chunk).integer(chunks).integer(bins)
                    .real(low).real(high).real(HistogramScale.of(dtype, low, high, bins))
                    .buffer(x).buffer(partial)
                    .run(backend.queue(), chunks);
            backend.launch(dtype, KernelFamily.REDUCE, "histogram_sum", shapes)
                    .integer(chunks).integer(bins).buffer(partial).buffer(counts)
                    .run(backend.queue(), bins);
        } finally {
            backend.free(partial);
        }
    }

    static int chunks(long n, int bins) {
        long wanted = (n + MIN_CHUNK - 1) / MIN_CHUNK;
        long cap = Math.min(MAX_CHUNKS, Math.max(1, MAX_PARTIAL_COUNTS / bins));
        return (int) Math.max(1, Math.min(wanted, cap));
    }
}
