package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Counter-based random numbers: the Philox mapping, reproducibility and the statistics of each distribution. */
class CpuRandomTest {
    private static final int DRAWS = 100_000;
    private final CpuBackend backend = new CpuBackend();

    @AfterEach
    void close() {
        backend.close();
    }

    private double[] draw(DType dtype, Distribution distribution, long seed, long offset, double a, double b, int n) {
        Buffer out = backend.allocate(dtype, n);
        backend.random(distribution, seed, offset, a, b, out);
        return get(backend, out);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void firstElementOfSeedZeroComesFromThePublishedBlock(DType dtype) {
        // Philox-4x32-10 of counter 0, key 0 starts 0x6627e8d5, 0xe169c58d.
        double u = 0x6627e8 * 0x1p-24;
        assertEquals(u, draw(dtype, Distribution.UNIFORM, 0, 0, 0, 1, 1)[0]);
        double normal = Math.sqrt(-2 * Math.log((0x6627e8 + 1) * 0x1p-24)) * Math.cos(2 * Math.PI * 0xe169c5 * 0x1p-24);
        assertEquals(dtype == DType.F32 ? 1 + 2 * (float) normal : 1 + 2 * normal,
                draw(dtype, Distribution.NORMAL, 0, 0, 1, 2, 1)[0]);
        assertEquals(1, draw(dtype, Distribution.BERNOULLI, 0, 0, 0.4, 0, 1)[0]);
        assertEquals(0, draw(dtype, Distribution.BERNOULLI, 0, 0, 0.39, 0, 1)[0]);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void oneBlockGivesFourElementsAndTheNormalPairsTakeCosineThenSine(DType dtype) {
        // Philox-4x32-10 of counter 0, key 0: 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8.
        double[] uniform = draw(dtype, Distribution.UNIFORM, 0, 0, 0, 1, 5);
        assertArrayEquals(new double[] {0x6627e8 * 0x1p-24, 0xe169c5 * 0x1p-24, 0xbc57ac * 0x1p-24,
                0x9b00db * 0x1p-24}, Arrays.copyOf(uniform, 4));
        assertEquals(uniform[1], draw(dtype, Distribution.UNIFORM, 0, 1, 0, 1, 1)[0], "an offset inside a block");
        double r = Math.sqrt(-2 * Math.log((0xbc57ac + 1) * 0x1p-24));
        double theta = 2 * Math.PI * 0x9b00db * 0x1p-24;
        double[] normal = draw(dtype, Distribution.NORMAL, 0, 2, 0, 1, 2);
        assertEquals(dtype == DType.F32 ? (float) (r * Math.cos(theta)) : r * Math.cos(theta), normal[0]);
        assertEquals(dtype == DType.F32 ? (float) (r * Math.sin(theta)) : r * Math.sin(theta), normal[1]);
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void aSeedAndOffsetGiveTheSameNumbersEveryTime(Distribution distribution) {
        double[] whole = draw(DType.F64, distribution, 42, 1000, 0.5, 0.25, 50_000);
        assertArrayEquals(whole, draw(DType.F64, distribution, 42, 1000, 0.5, 0.25, 50_000));
        assertArrayEquals(Arrays.copyOfRange(whole, 7, 50_000), draw(DType.F64, distribution, 42, 1007, 0.5, 0.25, 50_000 - 7),
                "element i is element offset + i of the seed's stream");
        assertTrue(!Arrays.equals(whole, draw(DType.F64, distribution, 43, 1000, 0.5, 0.25, 50_000)), "another seed");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void uniformMeanAndVariance(DType dtype) {
        double[] x = draw(dtype, Distribution.UNIFORM, 7, 0, -1, 3, DRAWS);
        assertTrue(Arrays.stream(x).allMatch(v -> v >= -1 && v < 3), "range [a, b)");
        // U(-1, 3): mean 1, variance 16/12; bounds are five standard errors.
        assertEquals(1, mean(x), 5 * Math.sqrt(16.0 / 12 / DRAWS));
        assertEquals(16.0 / 12, variance(x), 5 * 16.0 * Math.sqrt(1.0 / 180 / DRAWS));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void normalMeanAndVariance(DType dtype) {
        double[] x = draw(dtype, Distribution.NORMAL, 9, 123, 2, 3, DRAWS);
        assertEquals(2, mean(x), 5 * 3 / Math.sqrt(DRAWS));
        assertEquals(9, variance(x), 5 * 9 * Math.sqrt(2.0 / DRAWS));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void bernoulliFrequency(DType dtype) {
        double[] x = draw(dtype, Distribution.BERNOULLI, 11, 0, 0.3, 0, DRAWS);
        assertTrue(Arrays.stream(x).allMatch(v -> v == 0 || v == 1), "values 0 and 1");
        assertEquals(0.3, mean(x), 5 * Math.sqrt(0.3 * 0.7 / DRAWS));
    }

    private static double mean(double[] x) {
        return Arrays.stream(x).sum() / x.length;
    }

    private static double variance(double[] x) {
        double mean = mean(x);
        return Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (x.length - 1);
    }
}
