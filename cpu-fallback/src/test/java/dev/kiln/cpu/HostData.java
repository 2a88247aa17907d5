package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.util.Random;

/** Moves small host arrays in and out of a backend for tests, whatever the dtype, and compares results. */
final class HostData {
    private HostData() {
    }

    static Buffer put(Backend backend, DType dtype, double... values) {
        Buffer buffer = backend.allocate(dtype, values.length);
        if (dtype == DType.F32) {
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            backend.upload(floats, buffer);
        } else {
            backend.upload(values, buffer);
        }
        return buffer;
    }

    static double[] get(Backend backend, Buffer buffer) {
        double[] values = new double[(int) buffer.length()];
        if (buffer.dtype() == DType.F32) {
            float[] floats = new float[values.length];
            backend.download(buffer, floats);
            for (int i = 0; i < values.length; i++) {
                values[i] = floats[i];
            }
        } else {
            backend.download(buffer, values);
        }
        return values;
    }

    /** Relative tolerance of hand-computed answers: a few units in the last place of the dtype. */
    static double tolerance(DType dtype) {
        return dtype == DType.F32 ? 2e-6 : 1e-13;
    }

    static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double margin = relative * Math.max(1, Math.abs(expected[i]));
            boolean same = Double.compare(expected[i], actual[i]) == 0 || Math.abs(expected[i] - actual[i]) <= margin;
            assertTrue(same, what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
        }
    }

    static double[] uniform(Random random, int length, double low, double high) {
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = low + (high - low) * random.nextDouble();
        }
        return values;
    }

    /** Values rounded to float, so F32 and F64 runs start from identical inputs. */
    static double[] roundedToFloat(double[] values) {
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = (float) values[i];
        }
        return rounded;
    }
}
