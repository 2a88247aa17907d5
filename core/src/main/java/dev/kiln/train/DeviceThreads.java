package dev.kiln.train;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The threads that drive the further devices of a training on several devices: one daemon thread per device. */
public final class DeviceThreads {
    private DeviceThreads() {
    }

    /** A single daemon thread called {@code name}, which does not keep the JVM alive after training. */
    public static ExecutorService single(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
