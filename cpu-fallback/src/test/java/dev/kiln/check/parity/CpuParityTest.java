package dev.kiln.check.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ladder's step from CPU F64 to CPU F32: the whole catalogue agrees within the F32 tolerances. */
class CpuParityTest {
    private static Backend cpu;

    @BeforeAll
    static void open() {
        cpu = Backends.select("cpu");
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void cpuF32AgreesWithCpuF64OnTheWholeCatalogue() {
        ParityReport report = new ParityRunner().run(new Side(cpu, DType.F64), new Side(cpu, DType.F32),
                ParityCatalogue.all());
        assertTrue(report.passed(), report.verdict() + "\n" + report.table(true));
        assertEquals(ParityCatalogue.all().stream().mapToLong(s -> s.cases().size()).sum(), report.results().size());
        assertEquals(0, cpu.liveBuffers(), "the runner frees every buffer it allocates");
    }

    @Test
    void f32ResultsAreNotComparedExactlyWhereRoundingDiffers() {
        ParityReport report = new ParityRunner().run(new Side(cpu, DType.F64), new Side(cpu, DType.F32),
                ParityCatalogue.quick());
        ParityResult exp = report.results().stream().filter(r -> r.op().equals("exp")).findFirst().orElseThrow();
        assertTrue(exp.maxAbsolute() > 0, "F32 exp rounds differently from F64, so its error is not zero");
        assertTrue(exp.tolerance().relative() > 0);
    }
}
