package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.check.parity.ParityCatalogue;
import dev.kiln.check.parity.ParityReport;
import dev.kiln.check.parity.ParityRunner;
import dev.kiln.check.parity.Side;
import java.util.List;

/**
 * What {@link RusticlTest} runs in a JVM whose only OpenCL platform is Mesa's rusticl: the whole parity catalogue in
 * F32 on llvmpipe, as itself and emulating a GPU, against the CPU backend in F64. Exits with 1 when a case fails.
 */
final class RusticlWorkload {
    private RusticlWorkload() {
    }

    public static void main(String[] args) {
        List<ClDevice> devices = ClDevices.discover();
        ClDevice device = devices.get(ClDevices.defaultIndex(devices));
        if (!device.info().name().contains("llvmpipe")) {
            throw new IllegalStateException("not run on rusticl's llvmpipe: the device is " + device.info().name());
        }
        boolean passed = true;
        try (Backend cpu = Backends.select("cpu")) {
            for (ClDevice setting : List.of(device, GpuEmulation.of(device))) {
                try (OpenClBackend openCl = new OpenClBackend(setting, null)) {
                    ParityReport report = new ParityRunner().run(new Side(cpu, DType.F64), new Side(openCl, DType.F32),
                            ParityCatalogue.all());
                    System.out.println(report.verdict());
                    if (!report.passed()) {
                        System.out.print(report.table(true));
                    }
                    passed &= report.passed();
                }
            }
        }
        System.exit(passed ? 0 : 1);
    }
}
