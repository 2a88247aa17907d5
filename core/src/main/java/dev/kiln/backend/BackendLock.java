package dev.kiln.backend;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Runs work on a backend holding its {@link Backend#lock()}: the one way core code serialises device work. */
public final class BackendLock {
    private BackendLock() {
    }

    /** Runs {@code work} holding {@code backend}'s lock, and returns its result. */
    public static <T> T holding(Backend backend, Supplier<T> work) {
        ReentrantLock lock = backend.lock();
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
