package dev.kiln.backend;

import dev.kiln.KilnException;

/** A backend, or a tensor or buffer on it, was used after the backend was closed. */
public class BackendClosedException extends KilnException {
    /** "{@code what}: backend 'opencl' on {device} was closed". */
    public BackendClosedException(Backend backend, String what) {
        super(what + ": backend '" + backend.name() + "' on " + backend.device().name() + " was closed");
    }
}
