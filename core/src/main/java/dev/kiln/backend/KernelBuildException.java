package dev.kiln.backend;

import dev.kiln.KilnException;

/** A backend's kernels could not be compiled for its device; the message carries the compiler's log. */
public class KernelBuildException extends KilnException {
    public KernelBuildException(String message) {
        super(message);
    }
}
