package dev.kiln.backend;

import dev.kiln.KilnException;

/** A requested backend does not exist or cannot run here; the message gives the reason. */
public class BackendUnavailableException extends KilnException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
