package dev.kiln.opencl;

import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a batch-1 prediction of the 784-128-10 MLP spends its time on the default OpenCL device: its four commands
 * (upload, the two dense layers' fused kernels, download) timed in growing prefixes, next to {@code Model.predict}
 * on OpenCL and on the CPU backend. A program, not a test. The sequences take turns in rounds of {@code calls}
 * calls each, so that a shared machine's load falls on all of them alike; each cell is the median of the rounds'
 * median microseconds, with their range. Arguments: optional rounds (default 15) and calls per round (default 2000).
 */
public final class PredictCommandsBenchmark {
    private static final int FEATURES = 784;
    private static final int HIDDEN = 128;
    private static final int CLASSES = 10;

    private PredictCommandsBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        try (OpenClBackend backend = OpenClBackend.create(); Backend cpu = Backends.select("cpu");
             Model onDevice = network(backend); Model onCpu = network(cpu)) {
            Buffer x = backend.allocate(DType.F32, FEATURES);
            Buffer w1 = filled(backend, (long) FEATURES * HIDDEN);
            Buffer b1 = filled(backend, HIDDEN);
            Buffer h = backend.allocate(DType.F32, HIDDEN);
            Buffer w2 = filled(backend, (long) HIDDEN * CLASSES);
            Buffer b2 = filled(backend, CLASSES);
            Buffer y = backend.allocate(DType.F32, CLASSES);
            float[] input = new float[FEATURES];
            float[] output = new float[CLASSES];
            double[][] rows = {new double[FEATURES]};
            Runnable first = () -> backend.gemmBiasActivation(Activation.RELU, 0, false, false, 1, HIDDEN, FEATURES,
                    x, w1, b1, h);
            Runnable second = () -> backend.gemmBiasActivation(Activation.IDENTITY, 0, false, false, 1, CLASSES,
                    HIDDEN, h, w2, b2, y);
            Map<String, Runnable> sequences = new LinkedHashMap<>();
            sequences.put("download", () -> backend.download(y, output));
            sequences.put("upload, download", () -> {
                backend.upload(input, x);
                backend.download(y, output);
            });
            sequences.put("upload, layer 1, download", () -> {
                backend.upload(input, x);
                first.run();
                backend.download(y, output);
            });
            sequences.put("layers 1 and 2, download", () -> {
                first.run();
                second.run();
                backend.download(y, output);
            });
            sequences.put("upload, layers 1 and 2, download", () -> {
                backend.upload(input, x);
                first.run();
                second.run();
                backend.download(y, output);
            });
            sequences.put("Model.predict, opencl", () -> onDevice.predict(rows));
            sequences.put("Model.predict, cpu", () -> onCpu.predict(rows));
            System.out.printf(Locale.ROOT, "load average %.2f, %d rounds of %d calls; OpenCL device %s%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), rounds, calls,
                    backend.device().name());
            print(sequences, measure(sequences, rounds, calls));
        }
    }

    private static Model network(Backend backend) {
        Model model = Sequential.on(backend, new Dense(HIDDEN, ActivationFunction.RELU), new Dense(CLASSES)).seed(1);
        model.build(Shape.of(FEATURES));
        return model;
    }

    private static Buffer filled(Backend backend, long length) {
        Buffer buffer = backend.allocate(DType.F32, length);
        backend.fill(buffer, 0.01);
        return buffer;
    }

    /** Per sequence, the median microseconds of each round; a first round warms every sequence up. */
    private static double[][] measure(Map<String, Runnable> sequences, int rounds, int calls) {
        Runnable[] runs = sequences.values().toArray(Runnable[]::new);
        double[][] medians = new double[runs.length][rounds];
        for (int round = -1; round < rounds; round++) {
            for (int s = 0; s < runs.length; s++) {
                long[] nanos = new long[calls];
                for (int i = 0; i < calls; i++) {
                    long start = System.nanoTime();
                    runs[s].run();
                    nanos[i] = System.nanoTime() - start;
                }
                if (round >= 0) {
                    Arrays.sort(nanos);
                    medians[s][round] = nanos[calls / 2] / 1e3;
                }
            }
        }
        return medians;
    }

    private static void print(Map<String, Runnable> sequences, double[][] medians) {
        System.out.println("| sequence | median us | range of the rounds' medians |");
        System.out.println("|---|---|---|");
        int s = 0;
        for (String name : sequences.keySet()) {
            double[] sorted = medians[s++].clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f-%.1f |%n", name, sorted[sorted.length / 2], sorted[0],
                    sorted[sorted.length - 1]);
        }
    }
}
