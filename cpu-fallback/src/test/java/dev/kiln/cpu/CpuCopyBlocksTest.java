package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.get;
import static dev.kiln.cpu.HostData.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code copyBlocks} on hand-written arrays, and the errors of its misuse. */
class CpuCopyBlocksTest {
    private final CpuBackend backend = new CpuBackend();
    private final long buffersBefore = backend.liveBuffers();

    @AfterEach
    void close() {
        assertEquals(buffersBefore, backend.liveBuffers(), "leaked buffers");
        backend.close();
    }

    private static void assertFails(Executable call, String... fragments) {
        KilnException e = assertThrows(KilnException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void stridedBlocksLandAtTheirOffsetsAndTheRestOfTheTargetSurvives(DType dtype) {
        Buffer source = put(backend, dtype, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        Buffer target = put(backend, dtype, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
        // 3 blocks of 2 read at 1, 5, 9 (stride 4), written at 2, 5, 8 (stride 3).
        backend.copyBlocks(3, 2, source, 1, 4, target, 2, 3);
        assertArrayEquals(new double[] {-1, -1, 1, 2, -1, 5, 6, -1, 9, 10, -1, -1}, get(backend, target));
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, get(backend, source), "source unchanged");
        backend.free(source);
        backend.free(target);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void oneBlockIgnoresItsStridesAndAZeroSourceStrideRepeatsABlock(DType dtype) {
        Buffer source = put(backend, dtype, 7, 8, 9);
        Buffer target = put(backend, dtype, 0, 0, 0, 0, 0, 0, 0);
        backend.copyBlocks(1, 3, source, 0, Long.MAX_VALUE, target, 4, Long.MAX_VALUE);
        assertArrayEquals(new double[] {0, 0, 0, 0, 7, 8, 9}, get(backend, target));
        backend.copyBlocks(3, 2, source, 1, 0, target, 0, 2);
        assertArrayEquals(new double[] {8, 9, 8, 9, 8, 9, 9}, get(backend, target));
        backend.free(source);
        backend.free(target);
    }

    @Test
    void zeroBlocksOrZeroLengthCopyNothingWhateverTheRanges() {
        Buffer source = put(backend, DType.F64, 1, 2);
        Buffer target = put(backend, DType.F64, 3, 4);
        backend.copyBlocks(0, 5, source, 100, 100, target, 100, 100);
        backend.copyBlocks(5, 0, source, 100, 100, target, 100, 100);
        assertArrayEquals(new double[] {3, 4}, get(backend, target));
        backend.free(source);
        backend.free(target);
    }

    @Test
    void manyBlocksSplitAcrossThreadsGiveTheSameAsALoop() {
        int blocks = 20_000;
        int length = 3;
        double[] values = new double[blocks * 5];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Buffer source = put(backend, DType.F32, values);
        Buffer target = backend.allocate(DType.F32, (long) blocks * 4);
        backend.fill(target, -1);
        backend.copyBlocks(blocks, length, source, 2, 5, target, 1, 4);
        double[] expected = new double[blocks * 4];
        java.util.Arrays.fill(expected, -1);
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < length; i++) {
                expected[1 + b * 4 + i] = (float) values[2 + b * 5 + i];
            }
        }
        assertArrayEquals(expected, get(backend, target));
        backend.free(source);
        backend.free(target);
    }

    @Test
    void misuseFailsWithTheMethodAndTheRanges() {
        Buffer six = put(backend, DType.F64, 0, 1, 2, 3, 4, 5);
        Buffer ten = put(backend, DType.F64, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Buffer f32 = put(backend, DType.F32, 0, 1, 2);
        // The last source block would end at 1 + 2 * 2 + 2 = 7 > 6.
        assertFails(() -> backend.copyBlocks(3, 2, six, 1, 2, ten, 0, 2), "copyBlocks", "element 7", "source of 6",
                "out of bounds");
        assertFails(() -> backend.copyBlocks(2, 3, six, 0, 3, ten, 5, 3), "copyBlocks", "element 11", "target of 10");
        assertFails(() -> backend.copyBlocks(2, 3, six, 0, 3, ten, 0, 2), "copyBlocks", "target stride 2",
                "overlap");
        assertFails(() -> backend.copyBlocks(1, 2, six, 0, 0, six, 3, 0), "copyBlocks", "same buffer");
        assertFails(() -> backend.copyBlocks(1, 2, six, 0, 0, f32, 0, 0), "copyBlocks", "dtypes differ");
        assertFails(() -> backend.copyBlocks(-1, 2, six, 0, 0, ten, 0, 0), "copyBlocks", "negative", "blocks=-1");
        assertFails(() -> backend.copyBlocks(1, 2, six, -1, 0, ten, 0, 0), "copyBlocks", "negative", "offset -1");
        assertFails(() -> backend.copyBlocks(3, 1, six, 0, Long.MAX_VALUE, ten, 0, 1), "copyBlocks", "out of bounds");
        assertFails(() -> backend.copyBlocks(1, 1, null, 0, 0, ten, 0, 0), "copyBlocks", "source is null");
        backend.free(six);
        backend.free(ten);
        backend.free(f32);
    }
}
