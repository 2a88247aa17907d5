package dev.kiln.testing;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of test classes that share one CPU backend, opened before the class's tests and closed after. */
public abstract class OnCpuBackend {
    protected static Backend backend;

    @BeforeAll
    static void openBackend() {
        backend = Backends.select("cpu");
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }
}
