package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Wraps a {@link Backend} in one that forwards every call to it and counts the calls that queue work (kernels,
 * copies, fills), leaving out allocation, release, host transfers and queries.
 */
final class CountingBackend {
    private static final Set<String> NOT_COUNTED = Set.of("name", "device", "supports", "allocate", "free",
            "liveBuffers", "transfers", "synchronize", "close", "upload", "download");

    private final Backend backend;
    private long calls;

    CountingBackend(Backend delegate) {
        backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        // Identity semantics: core compares backends with ==, and a proxy must equal only itself.
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "counting " + delegate.name();
                        };
                    }
                    if (!NOT_COUNTED.contains(method.getName())) {
                        calls++;
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The counting backend, to create tensors and layers on. */
    Backend backend() {
        return backend;
    }

    /** Calls counted since creation. */
    long calls() {
        return calls;
    }
}
