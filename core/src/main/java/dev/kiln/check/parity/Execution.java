package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import java.util.List;

/** How a case runs its op on one backend. */
@FunctionalInterface
public interface Execution {
    /** Runs the op on {@code call}'s backend with {@code inputs} uploaded in the case's order; returns its outputs. */
    List<Output> run(Invocation call, List<Buffer> inputs);
}
