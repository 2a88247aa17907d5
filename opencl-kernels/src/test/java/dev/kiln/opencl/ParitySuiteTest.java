package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnSettings;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.check.parity.OpCase;
import dev.kiln.check.parity.OpSpec;
import dev.kiln.check.parity.ParityCatalogue;
import dev.kiln.check.parity.ParityResult;
import dev.kiln.check.parity.ParityRunner;
import dev.kiln.check.parity.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The parity catalogue on every OpenCL device against the CPU backend in F64: one test per op and shape, in
 * F32 everywhere and in F64 on devices with fp64; and in F32 on the default device, as itself and emulating a GPU,
 * with every kernel allowed only {@link #SMALL_GROUP} work-items per group, as on a device with a low limit.
 */
class ParitySuiteTest {
    private static final List<Backend> OPENED = new ArrayList<>();
    /** Below every fixed work-group our launches ask for (Mesa's rusticl allows each kernel 32). */
    private static final int SMALL_GROUP = 16;

    @AfterAll
    static void closeBackends() {
        OPENED.forEach(Backend::close);
        OPENED.clear();
    }

    private static Backend opened(Backend backend) {
        OPENED.add(backend);
        return backend;
    }

    @TestFactory
    Stream<DynamicNode> catalogueOnEveryDevice() {
        BackendProvider.Probe probe = new OpenClBackendProvider().probe();
        if (!probe.available()) {
            if (KilnSettings.requireOpenCl()) {
                fail("OpenCL is required (kiln.require.opencl) but unavailable: " + probe.reason());
            }
            assumeTrue(false, "no OpenCL device: " + probe.reason());
        }
        Side reference = new Side(opened(Backends.select("cpu")), DType.F64);
        List<DynamicNode> devices = new ArrayList<>();
        for (DeviceInfo device : probe.devices()) {
            Backend openCl = opened(OpenClBackend.onDevice(Integer.toString(device.index())));
            devices.add(onDevice(reference, new Side(openCl, DType.F32), ""));
            if (device.fp64()) {
                devices.add(onDevice(reference, new Side(openCl, DType.F64), ""));
            }
        }
        List<ClDevice> all = OpenClTestSupport.devices();
        ClDevice standard = all.get(ClDevices.defaultIndex(all));
        for (ClDevice device : List.of(standard, GpuEmulation.of(standard))) {
            OpenClBackend small = new OpenClBackend(device, null);
            small.capWorkGroups(SMALL_GROUP);
            devices.add(onDevice(reference, new Side(opened(small), DType.F32),
                    " with work-groups of at most " + SMALL_GROUP));
        }
        return devices.stream();
    }

    private static DynamicContainer onDevice(Side reference, Side candidate, String setting) {
        DeviceInfo device = candidate.backend().device();
        ParityRunner runner = new ParityRunner();
        List<DynamicTest> tests = new ArrayList<>();
        for (OpSpec spec : ParityCatalogue.all()) {
            for (OpCase opCase : spec.cases()) {
                tests.add(DynamicTest.dynamicTest(spec.op() + "[" + opCase.shape() + "] opencl~cpu", () -> {
                    ParityResult result = runner.run(reference, candidate, spec, opCase);
                    assertTrue(result.passed(), () -> describe(result));
                }));
            }
        }
        return DynamicContainer.dynamicContainer(candidate.dtype() + " on device " + device.index() + " "
                + device.name() + setting, tests);
    }

    private static String describe(ParityResult result) {
        if (result.error() != null) {
            return result.label() + ": " + result.error();
        }
        return String.format("%s output '%s': max abs %.3e, max rel %.3e, worst index %d (expected %s, got %s), "
                        + "%d elements outside %s (%s)", result.label(), result.output(), result.maxAbsolute(),
                result.maxRelative(), result.worstIndex(), result.comparison().expected(), result.comparison().actual(),
                result.comparison().failures(), result.tolerance().describe(), result.tolerance().reason());
    }
}
