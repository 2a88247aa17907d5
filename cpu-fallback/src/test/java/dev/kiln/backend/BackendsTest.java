package dev.kiln.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsTest {

    /** A provider that is never available, as OpenCL is on a machine without a driver. */
    private static final class MissingProvider implements BackendProvider {
        @Override
        public String name() {
            return "missing";
        }

        @Override
        public int priority() {
            return 1000;
        }

        @Override
        public Probe probe() {
            return Probe.unavailable("no driver installed");
        }

        @Override
        public Backend create() {
            throw new AssertionError("an unavailable provider must not be created");
        }

        @Override
        public Backend create(DeviceInfo device) {
            return create();
        }
    }

    /** A provider whose device cannot compile its kernels. */
    private static final class UnbuildableProvider implements BackendProvider {
        @Override
        public String name() {
            return "unbuildable";
        }

        @Override
        public int priority() {
            return 1000;
        }

        @Override
        public Probe probe() {
            return new Probe(true, "one device", List.of(), 0);
        }

        @Override
        public Backend create() {
            throw new KernelBuildException("building gemm.cl (F32) failed: CL_BUILD_PROGRAM_FAILURE\nbuild log:\nerror");
        }

        @Override
        public Backend create(DeviceInfo device) {
            return create();
        }
    }

    private static Backend selectUnbuildable(String choice, String policy) {
        String previous = System.getProperty("kiln.opencl.fallback");
        System.setProperty("kiln.opencl.fallback", policy);
        try {
            List<BackendProvider> providers = new ArrayList<>(Backends.providers());
            providers.add(0, new UnbuildableProvider());
            return Backends.select(choice, providers);
        } finally {
            if (previous == null) {
                System.clearProperty("kiln.opencl.fallback");
            } else {
                System.setProperty("kiln.opencl.fallback", previous);
            }
        }
    }

    @Test
    void kernelsThatDoNotBuildFallBackToTheCpuUnderTheCpuPolicy() {
        try (Backend auto = selectUnbuildable("auto", "cpu")) {
            assertEquals("cpu", auto.name());
        }
    }

    @Test
    void anExplicitChoiceWhoseKernelsDoNotBuildFailsWithTheBuildLog() {
        for (String policy : List.of("cpu", "fail")) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> selectUnbuildable("unbuildable", policy));
            assertTrue(e.getMessage().contains("'unbuildable' was requested") && e.getMessage().contains("build log:"),
                    e.getMessage());
        }
    }

    @Test
    void kernelsThatDoNotBuildFailUnderTheFailPolicy() {
        KernelBuildException e = assertThrows(KernelBuildException.class, () -> selectUnbuildable("auto", "fail"));
        assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
    }

    private static List<BackendProvider> withMissing() {
        List<BackendProvider> providers = new ArrayList<>(Backends.providers());
        providers.add(0, new MissingProvider());
        return providers;
    }

    @Test
    void theCpuProviderIsFoundThroughTheServiceLoader() {
        assertTrue(Backends.providers().stream().anyMatch(p -> p.name().equals("cpu")));
        try (Backend cpu = Backends.select("cpu")) {
            assertEquals("cpu", cpu.name());
            assertEquals("cpu", cpu.device().type());
        }
    }

    @Test
    void automaticSelectionSkipsUnavailableProviders() {
        try (Backend chosen = Backends.select("auto", withMissing())) {
            assertTrue(!chosen.name().equals("missing"));
        }
    }

    @Test
    void anExplicitChoiceThatIsUnavailableFailsWithTheProbeReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("missing", withMissing()));
        assertTrue(e.getMessage().contains("no driver installed"), e.getMessage());
    }

    @Test
    void anUnknownBackendNamesTheKnownOnes() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.select("tpu"));
        assertTrue(e.getMessage().contains("tpu") && e.getMessage().contains("cpu"), e.getMessage());
    }

    @Test
    void choicesAreCaseInsensitive() {
        try (Backend cpu = Backends.select(" CPU ")) {
            assertEquals("cpu", cpu.name());
        }
    }
}
