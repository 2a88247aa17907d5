package dev.kiln.opencl;

import dev.kiln.backend.DType;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Launches the row-wise kernels of softmax.cl: on a GPU, rows of at least {@link #GROUP_FROM} columns by one
 * work-group each (the _group kernels, reduced in local memory), so that a few long rows still fill the device;
 * otherwise one work-item per row, which on a CPU device (PoCL) ran as fast or faster at the row lengths measured
 * (BENCHMARKS.md).
 */
final class OpenClSoftmax {
    /** Columns from which a GPU gives each row a work-group. */
    static final int GROUP_FROM = 64;
    /** Most work-items of a row's work-group. */
    static final int MOST_GROUP = 256;

    private final OpenClBackend backend;
    private Boolean groups;

    OpenClSoftmax(OpenClBackend backend) {
        this.backend = backend;
    }

    /** Forces one work-group per row (true) or one work-item per row (false); null restores the automatic choice. */
    void forceGroups(Boolean value) {
        groups = value;
    }

    /** Runs {@code kernel} over rows x cols: its arguments are rows, cols, then those {@code buffers} hold. */
    void run(String kernel, int rows, int cols, ClBuffer... buffers) {
        run(kernel, rows, cols, launch -> { }, buffers);
    }

    /** {@link #run}, with the arguments that {@code scalars} sets after the buffers. */
    void run(String kernel, int rows, int cols, Consumer<KernelLaunch> scalars, ClBuffer... buffers) {
        DType dtype = buffers[0].dtype();
        Supplier<String> shapes = () -> rows + "x" + cols;
        boolean byGroups = groups != null ? groups : backend.device().type().equals("gpu") && cols >= GROUP_FROM;
        KernelLaunch launch = backend.launch(dtype, KernelFamily.SOFTMAX, byGroups ? kernel + "_group" : kernel,
                shapes).integer(rows).integer(cols);
        for (ClBuffer buffer : buffers) {
            launch.buffer(buffer);
        }
        scalars.accept(launch);
        if (byGroups) {
            int local = launch.groupSize(Math.min(MOST_GROUP, Integer.highestOneBit(Math.max(1, cols - 1)) * 2));
            launch.local((long) local * dtype.bytes()).runGroupStride(backend.queue(), rows, local);
        } else {
            launch.run(backend.queue(), rows);
        }
    }
}
