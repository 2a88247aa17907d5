package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import java.util.Arrays;
import java.util.Map;

/**
 * Launches update_&lt;rule&gt;_group: every parameter of one optimizer step, {@link #SLOTS} to a launch, each slot with
 * its own buffers and its own whole work-groups of the range, one after another. Per element it is as fast as
 * update_&lt;rule&gt; (the kernel inlines the rule's step into each slot), so even a large parameter shares its launch:
 * Adam on the MNIST MLP's four parameters took 72 us in one launch on PoCL against 91 us as the 100,352 weights
 * alone and the rest grouped.
 */
final class OpenClUpdateGroup {
    /** Parameters per launch, as many as optim.cl's group kernels have slots. */
    static final int SLOTS = 4;

    private static final Map<UpdateRule, String> KERNELS = KernelNames.of("update_", UpdateRule.class, "_group");

    private final OpenClBackend backend;

    OpenClUpdateGroup(OpenClBackend backend) {
        this.backend = backend;
    }

    /** One step of {@code rule} on every parameter, {@link #SLOTS} to a launch; buffers already checked. */
    void run(UpdateRule rule, UpdateParameters parameters, ClBuffer[] params, ClBuffer[] grads, ClBuffer[][] states) {
        for (int first = 0; first < params.length; first += SLOTS) {
            launch(rule, parameters, first, Math.min(params.length - first, SLOTS), params, grads, states);
        }
    }

    /** One launch over the {@code count} parameters from {@code first}. */
    private void launch(UpdateRule rule, UpdateParameters parameters, int first, int count, ClBuffer[] params,
                        ClBuffer[] grads, ClBuffer[][] states) {
        long[] lengths = new long[SLOTS];
        long[] ends = new long[SLOTS];
        DType dtype = params[first].dtype();
        long items = 0;
        for (int q = 0; q < SLOTS; q++) {
            lengths[q] = q < count ? params[first + q].length() : 0;
            // each slot's vectors fill whole work-groups of its own; a smaller work-group the kernel may get needs
            // no more
            items += KernelLaunch.roundUp(backend.vectors(dtype, lengths[q]), KernelLaunch.GROUP);
            ends[q] = items;
        }
        KernelLaunch launch = backend.launch(dtype, KernelFamily.OPTIM,
                        KERNELS.get(rule),
                        () -> count + " parameters of " + Arrays.toString(lengths) + " elements")
                .real(parameters.learningRate()).real(parameters.beta1()).real(parameters.beta2())
                .real(parameters.epsilon()).real(parameters.weightDecay())
                .real(1 - Math.pow(parameters.beta1(), parameters.step()))
                .real(1 - Math.pow(parameters.beta2(), parameters.step()))
                .unsignedLongs(lengths).unsignedLongs(ends);
        for (int q = 0; q < SLOTS; q++) {
            // An unused slot repeats the last parameter's buffers and owns no work-group.
            int i = first + Math.min(q, count - 1);
            ClBuffer p = params[i];
            ClBuffer[] s = states[i];
            launch.buffer(p).buffer(grads[i]).buffer(s.length > 0 ? s[0] : p).buffer(s.length > 1 ? s[1] : p);
        }
        launch.run(backend.queue(), items);
    }
}
