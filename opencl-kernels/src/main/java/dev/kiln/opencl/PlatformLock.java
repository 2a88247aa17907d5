package dev.kiln.opencl;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one lock of the calls that query or change the OpenCL platform as a whole: device discovery, context and
 * queue creation and release, program builds. Drivers differ in how well they take these from several threads at
 * once (PoCL has crashed in clCreateContext and clGetDeviceInfo), so Kiln makes them one at a time; kernels and
 * transfers are serialised per backend instead.
 */
final class PlatformLock {
    private static final ReentrantLock LOCK = new ReentrantLock();

    private PlatformLock() {
    }

    /** Runs {@code work} holding the platform lock. */
    static <T> T locked(Supplier<T> work) {
        LOCK.lock();
        try {
            return work.get();
        } finally {
            LOCK.unlock();
        }
    }
}
