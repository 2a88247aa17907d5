package dev.kiln.opencl;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times uploads (to the end of the copy) and downloads of F32 arrays on the default device, with transfers straight
 * from Java memory and through pinned staging memory. A program, not a test. Each cell is the median of single
 * transfers in milliseconds after a warm-up. Argument: optional transfers per cell (default 21).
 */
public final class TransferBenchmark {
    private static final int[] KIB = {4, 256, 4096, 65536};

    private TransferBenchmark() {
    }

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        List<ClDevice> devices = ClDevices.discover();
        ClDevice device = devices.get(ClDevices.defaultIndex(devices));
        try (OpenClBackend direct = new OpenClBackend(device, null, 0);
             OpenClBackend staged = new OpenClBackend(device, null, StagingBuffer.DEFAULT_BYTES)) {
            System.out.printf(Locale.ROOT, "load average %.2f, median of %d transfers; OpenCL device %s%n%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), calls, device.info().name());
            System.out.println("| size | upload ms | staged upload ms | download ms | staged download ms |");
            System.out.println("|---|---|---|---|---|");
            for (int kib : KIB) {
                double[] plain = medians(direct, kib, calls);
                double[] pinned = medians(staged, kib, calls);
                System.out.printf(Locale.ROOT, "| %d KiB | %.3f | %.3f | %.3f | %.3f |%n", kib, plain[0], pinned[0],
                        plain[1], pinned[1]);
            }
        }
    }

    /** Median upload and download times of {@code kib} KiB of floats on {@code backend}. */
    private static double[] medians(OpenClBackend backend, int kib, int calls) {
        float[] values = new float[kib * 256];
        Arrays.fill(values, 1.5f);
        float[] back = new float[values.length];
        Buffer buffer = backend.allocate(DType.F32, values.length);
        double[] uploads = new double[calls];
        double[] downloads = new double[calls];
        for (int i = -3; i < calls; i++) {
            long start = System.nanoTime();
            backend.upload(values, buffer);
            backend.synchronize();
            long uploaded = System.nanoTime();
            backend.download(buffer, back);
            long downloaded = System.nanoTime();
            if (i >= 0) {
                uploads[i] = (uploaded - start) / 1e6;
                downloads[i] = (downloaded - uploaded) / 1e6;
            }
        }
        backend.free(buffer);
        return new double[] {median(uploads), median(downloads)};
    }

    private static double median(double[] times) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
