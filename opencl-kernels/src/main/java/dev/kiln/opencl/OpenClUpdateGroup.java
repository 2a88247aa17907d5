package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Launches update_&lt;rule&gt;_group: the small parameters of one optimizer step, {@link #SLOTS} to a launch, each
 * slot with its own buffers and its own whole work-groups of the range, one after another. A parameter of
 * {@link #ALONE_FROM} elements or more gets update_&lt;rule&gt;, which computes an element faster on PoCL (Adam on the
 * MNIST MLP's four parameters: 88 us as 100,352 weights alone and the rest grouped, 149 us all in one group); its
 * launch is a small part of its cost.
 */
final class OpenClUpdateGroup {
    /** Parameters per launch, as many as optim.cl's group kernels have slots. */
    static final int SLOTS = 4;
    /** Elements from which a parameter is updated by its own launch. */
    static final long ALONE_FROM = 4096;

    private static final Map<UpdateRule, String> KERNELS = KernelNames.of("update_", UpdateRule.class, "_group");

    private final OpenClBackend backend;

    OpenClUpdateGroup(OpenClBackend backend) {
        this.backend = backend;
    }

    /** One step of {@code rule} on every parameter, in as few launches as pay; buffers already checked. */
    void run(UpdateRule rule, UpdateParameters parameters, ClBuffer[] params, ClBuffer[] grads, ClBuffer[][] states) {
        List<Integer> small = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            if (params[i].length() >= ALONE_FROM) {
                backend.update(rule, parameters, params[i], grads[i], states[i]);
            } else {
                small.add(i);
            }
        }
        for (int first = 0; first < small.size(); first += SLOTS) {
            List<Integer> slots = small.subList(first, Math.min(small.size(), first + SLOTS));
            launch(rule, parameters, slots, params, grads, states);
        }
    }

    private void launch(UpdateRule rule, UpdateParameters parameters, List<Integer> slots, ClBuffer[] params,
                        ClBuffer[] grads, ClBuffer[][] states) {
        int count = slots.size();
        long[] lengths = new long[SLOTS];
        DType dtype = params[slots.get(0)].dtype();
        long items = 0;
        for (int q = 0; q < SLOTS; q++) {
            lengths[q] = q < count ? params[slots.get(q)].length() : 0;
            // each slot's vectors fill whole work-groups of its own; a smaller work-group the kernel may get needs
            // no more
            items += KernelLaunch.roundUp(backend.vectors(dtype, lengths[q]), KernelLaunch.GROUP);
        }
        KernelLaunch launch = backend.launch(dtype, KernelFamily.OPTIM,
                        KERNELS.get(rule),
                        () -> count + " parameters of " + Arrays.toString(lengths) + " elements")
                .real(parameters.learningRate()).real(parameters.beta1()).real(parameters.beta2())
                .real(parameters.epsilon()).real(parameters.weightDecay())
                .real(1 - Math.pow(parameters.beta1(), parameters.step()))
                .real(1 - Math.pow(parameters.beta2(), parameters.step()))
                .unsignedLongs(lengths);
        for (int q = 0; q < SLOTS; q++) {
            // An unused slot repeats the last parameter's buffers and owns no work-group.
            int i = slots.get(Math.min(q, count - 1));
            ClBuffer p = params[i];
            ClBuffer[] s = states[i];
            launch.buffer(p).buffer(grads[i]).buffer(s.length > 0 ? s[0] : p).buffer(s.length > 1 ? s[1] : p);
        }
        launch.run(backend.queue(), items);
    }
}
