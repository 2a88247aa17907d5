package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallsBenchTest {

    @Test
    void aCellTimesBothKindsOfCallAndLeavesNoBufferBehind() {
        try (Backend backend = Backends.select("cpu")) {
            long live = backend.liveBuffers();
            CallsBench.Cell cell = CallsBench.measure("cpu", backend, 200);
            assertEquals("cpu", cell.backend());
            assertTrue(cell.queuedMicros() > 0 && cell.roundTripMicros() > 0, cell.toString());
            assertEquals(live, backend.liveBuffers());
        }
    }

    @Test
    void theTableHasARowPerBackendAndNamesOneThatIsMissing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, CallsBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                List.of("cpu", "no-such-backend"), 100));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| backend | queued call (us) | call and read (us) |"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("\\| cpu \\| [0-9.]+ \\| [0-9.]+ \\|")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("no-such-backend: unavailable (")), table);
    }
}
