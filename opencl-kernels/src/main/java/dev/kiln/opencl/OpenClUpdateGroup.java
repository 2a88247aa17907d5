package dev.kiln.opencl;

import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import java.util.Locale;

/**
 * Launches update_&lt;rule&gt;_group: the parameters of one optimizer step, {@link #SLOTS} to a launch, each slot with
 * its own buffers and the range running over the slots' elements end to end.
 */
final class OpenClUpdateGroup {
    /** Parameters per launch, as many as optim.cl's group kernels have slots. */
    static final int SLOTS = 8;

    private final OpenClBackend backend;

    OpenClUpdateGroup(OpenClBackend backend) {
        this.backend = backend;
    }

    /** One step of {@code rule} on every parameter, in launches of up to {@link #SLOTS}; buffers already checked. */
    void run(UpdateRule rule, UpdateParameters parameters, ClBuffer[] params, ClBuffer[] grads, ClBuffer[][] states) {
        for (int first = 0; first < params.length; first += SLOTS) {
            int count = Math.min(SLOTS, params.length - first);
            long total = 0;
            for (int q = 0; q < count; q++) {
                total += params[first + q].length();
            }
            if (total == 0) {
                continue;
            }
            long elements = total;
            KernelLaunch launch = backend.launch(params[first].dtype(), KernelFamily.OPTIM,
                            "update_" + rule.name().toLowerCase(Locale.ROOT) + "_group",
                            () -> count + " parameters, " + elements + " elements")
                    .real(parameters.learningRate()).real(parameters.beta1()).real(parameters.beta2())
                    .real(parameters.epsilon()).real(parameters.weightDecay())
                    .real(1 - Math.pow(parameters.beta1(), parameters.step()))
                    .real(1 - Math.pow(parameters.beta2(), parameters.step()));
            long end = 0;
            for (int q = 0; q < SLOTS; q++) {
                // An unused slot repeats the last parameter's buffers with an empty range.
                int i = first + Math.min(q, count - 1);
                ClBuffer p = params[i];
                ClBuffer[] s = states[i];
                end += q < count ? p.length() : 0;
                launch.buffer(p).buffer(grads[i]).buffer(s.length > 0 ? s[0] : p).buffer(s.length > 1 ? s[1] : p)
                        .unsignedLong(end);
            }
            launch.run(backend.queue(), total);
        }
    }
}
