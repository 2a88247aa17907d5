package dev.kiln.opencl;

import java.util.Arrays;
import java.util.List;

/**
 * The arguments one kernel object holds. OpenCL keeps a kernel's arguments from one enqueue to the next, so a launch
 * sets only those that changed: through JOCL a clSetKernelArg costs the calling thread 0.5-1 us (JNI, and PoCL copies
 * the value), about twenty of them for a gemm, while a training step launches the same kernels with mostly the same
 * shapes and pooled buffers. Used under the backend's lock, like the kernel itself.
 */
final class KernelArguments {
    private KernelArgument[] held = new KernelArgument[0];

    /** Whether the kernel holds {@code argument} at {@code index}. */
    boolean holds(int index, KernelArgument argument) {
        return index < held.length && held[index] != null && held[index].sameAs(argument);
    }

    /** How many of the arguments of {@code arguments} that are not buffers the kernel holds, each at its index. */
    int scalarsHeld(List<KernelArgument> arguments) {
        int held = 0;
        for (int index = 0; index < arguments.size(); index++) {
            KernelArgument argument = arguments.get(index);
            if (!argument.isBuffer() && holds(index, argument)) {
                held++;
            }
        }
        return held;
    }

    /** Whether no argument was ever set: a kernel object no launch has used. */
    boolean isEmpty() {
        return held.length == 0;
    }

    /** Records that {@code argument} was set at {@code index}; null when setting it failed and the value is unknown. */
    void record(int index, KernelArgument argument) {
        if (index >= held.length) {
            held = Arrays.copyOf(held, Math.max(index + 1, 2 * held.length));
        }
        held[index] = argument;
    }
}
