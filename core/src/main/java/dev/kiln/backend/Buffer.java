package dev.kiln.backend;

/**
 * A block of device memory owned by one {@link Backend}: a flat array of {@link #length()} elements of
 * {@link #dtype()}. Only the backend that allocated a buffer may read, write or free it.
 */
public interface Buffer {
    DType dtype();

    long length();

    /** The backend that allocated this buffer. */
    Backend backend();

    /** Whether {@link Backend#free(Buffer)} has been called on this buffer. */
    boolean isFreed();
}
