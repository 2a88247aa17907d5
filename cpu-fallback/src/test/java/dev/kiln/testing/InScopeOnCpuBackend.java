package dev.kiln.testing;

import dev.kiln.tensor.MemoryScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base of test classes on a shared CPU backend whose every test runs in a memory scope of its own. */
public abstract class InScopeOnCpuBackend extends OnCpuBackend {
    private MemoryScope scope;

    @BeforeEach
    void openScope() {
        scope = MemoryScope.open();
    }

    @AfterEach
    void closeScope() {
        scope.close();
    }
}
