package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.junit.jupiter.api.Test;

/** Launches of one kernel function with different scalars take one kernel object per shape, up to four. */
class KernelInstancesTest {
    private final List<cl_kernel> created = new ArrayList<>();
    private final cl_kernel first = new cl_kernel();
    private final KernelInstances instances = new KernelInstances(first, () -> {
        cl_kernel kernel = new cl_kernel();
        created.add(kernel);
        return kernel;
    });

    @Test
    void aShapeKeepsItsKernelObjectWhateverItsBuffers() {
        assertSame(first, launch(128, 784, new cl_mem()), "the first launch takes the first object");
        assertSame(first, launch(128, 784, new cl_mem()), "same scalars, another buffer");
        cl_kernel second = launch(784, 128, new cl_mem());
        assertNotSame(first, second, "other scalars get another object");
        assertSame(first, launch(128, 784, new cl_mem()));
        assertSame(second, launch(784, 128, new cl_mem()));
        assertEquals(1, instances.others().size());
        assertSame(second, instances.others().get(0));
    }

    @Test
    void pastFourShapesTheObjectHoldingTheMostScalarsTakesTheNewOne() {
        List<cl_kernel> objects = new ArrayList<>();
        for (int shape = 1; shape <= KernelInstances.MOST; shape++) {
            objects.add(launch(shape, 7, new cl_mem()));
        }
        // cl_kernel's equals compares handles, all 0 here: count the objects themselves
        Set<cl_kernel> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(objects);
        assertEquals(KernelInstances.MOST, distinct.size());
        assertSame(objects.get(0), launch(5, 7, new cl_mem()), "all hold 1 of 2 scalars: the first");
        assertSame(objects.get(0), launch(5, 8, new cl_mem()), "shape 5 is now the first's");
        assertSame(objects.get(2), launch(3, 7, new cl_mem()));
        assertEquals(KernelInstances.MOST - 1, created.size(), "no object beyond four");
    }

    @Test
    void aScalarThatChangesAtEveryLaunchStaysWithItsObject() {
        // Adam's step: eight scalars the same from step to step, the two bias corrections not
        for (int step = 1; step <= 10; step++) {
            List<KernelArgument> arguments = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                arguments.add(KernelArgument.scalar(4, i));
            }
            arguments.add(KernelArgument.scalar(4, 1000 + step));
            arguments.add(KernelArgument.scalar(4, 2000 + step));
            KernelInstances.Instance instance = instances.choose(arguments);
            assertSame(first, instance.kernel(), "step " + step);
            record(instance, arguments);
        }
        assertEquals(List.of(), created);
    }

    /**
     * Chooses an object for a launch with scalars {@code rows} and {@code columns} and one buffer, and records its
     * arguments as set.
     */
    private cl_kernel launch(int rows, int columns, cl_mem buffer) {
        List<KernelArgument> arguments = List.of(KernelArgument.scalar(4, rows), KernelArgument.scalar(4, columns),
                KernelArgument.buffer(buffer));
        KernelInstances.Instance instance = instances.choose(arguments);
        record(instance, arguments);
        return instance.kernel();
    }

    private static void record(KernelInstances.Instance instance, List<KernelArgument> arguments) {
        for (int index = 0; index < arguments.size(); index++) {
            instance.held().record(index, arguments.get(index));
        }
    }
}
