package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.model.Model;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictBenchTest {

    @Test
    void aCellHasOrderedPercentilesAndLeavesNoBufferBehind() {
        try (Backend backend = Backends.select("cpu"); Model model = PredictBench.network(backend)) {
            long live = backend.liveBuffers();
            PredictBench.Cell cell = PredictBench.measure("cpu", model, 64, 200, 2);
            assertEquals(64, cell.batch());
            assertTrue(cell.medianMillis() > 0 && cell.medianMillis() <= cell.p99Millis(), cell.toString());
            assertTrue(cell.callsPerSecond() > 0 && cell.sharedCallsPerSecond() > 0, cell.toString());
            assertEquals(live, backend.liveBuffers());
        }
    }

    @Test
    void theTableHasARowPerBatchSize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, PredictBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of("cpu"), 100, 2));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("calls/s 2 thr"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("cpu +1 .*")) && table.lines().anyMatch(l -> l.matches("cpu +64 .*")),
                table);
    }
}
