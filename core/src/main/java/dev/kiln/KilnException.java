package dev.kiln;

/** The one exception type Kiln throws for bad input, unavailable backends and device failures. */
public class KilnException extends RuntimeException {
    public KilnException(String message) {
        super(message);
    }

    public KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}
