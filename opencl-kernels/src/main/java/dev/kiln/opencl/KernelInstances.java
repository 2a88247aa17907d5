package dev.kiln.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jocl.cl_kernel;

/**
 * The kernel objects of one kernel function that launches choose from, each holding the arguments of its last
 * launch. A function launched with different shapes in turn (one gemm kernel for a layer's forward product and for
 * its weight gradient) gets an object per shape, up to {@link #MOST}: a launch takes the object that holds the most
 * of its scalars and sets only what differs, buffers included. A launch that would set more than a quarter of its
 * scalars is another shape and gets an object of its own while there are fewer than {@link #MOST}; a scalar that
 * changes at every launch (Adam's bias corrections) stays with its object. Used under the backend's lock, like the
 * kernels.
 */
final class KernelInstances {
    /** Kernel objects per function at most. */
    static final int MOST = 4;

    /** One kernel object and the arguments it holds. */
    record Instance(cl_kernel kernel, KernelArguments held) {
    }

    private final Supplier<cl_kernel> create;
    private final List<Instance> instances = new ArrayList<>();

    /** {@code first}: the function's kernel object made with its program; {@code create} makes the others. */
    KernelInstances(cl_kernel first, Supplier<cl_kernel> create) {
        this.create = create;
        instances.add(new Instance(first, new KernelArguments()));
    }

    /** The object to launch with {@code arguments}. */
    Instance choose(List<KernelArgument> arguments) {
        int scalars = 0;
        for (KernelArgument argument : arguments) {
            if (!argument.isBuffer()) {
                scalars++;
            }
        }
        int best = 0;
        int bestHeld = -1;
        for (int i = 0; i < instances.size(); i++) {
            int held = instances.get(i).held().scalarsHeld(arguments);
            if (held > bestHeld) {
                best = i;
                bestHeld = held;
            }
        }
        if (4 * (scalars - bestHeld) <= scalars) {
            return instances.get(best);
        }
        for (Instance instance : instances) {
            if (instance.held().isEmpty()) {
                return instance;
            }
        }
        if (instances.size() < MOST) {
            instances.add(new Instance(create.get(), new KernelArguments()));
            return instances.get(instances.size() - 1);
        }
        return instances.get(best);
    }

    /** The objects made beyond the first, which the program cache releases with the first. */
    List<cl_kernel> others() {
        return instances.subList(1, instances.size()).stream().map(Instance::kernel).toList();
    }
}
