package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.check.DevicesCheck;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.train.Callback;
import dev.kiln.train.DeviceSplit;
import dev.kiln.train.FitOptions;
import dev.kiln.train.TrainingContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fit on two OpenCL devices (the module's POCL_DEVICES gives two PoCL devices) and on an OpenCL device beside the
 * CPU backend equals the fit on one device within float32 rounding; a device closed mid-run is named.
 */
class MultiDeviceTrainingTest {

    private static List<ClDevice> twoDevices() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        assumeTrue(devices.size() >= 2, "needs two OpenCL devices (POCL_DEVICES=\"pthread pthread\")");
        return devices;
    }

    @Test
    void twoOpenClDevicesTrainAsOne() {
        List<ClDevice> devices = twoDevices();
        try (OpenClBackend first = new OpenClBackend(devices.get(0), null);
             OpenClBackend second = new OpenClBackend(devices.get(1), null)) {
            assertEquals(List.of(), DevicesCheck.matchesOneDevice(List.of(first, second), DeviceSplit.equal(), 8));
            assertEquals(List.of(), DevicesCheck.matchesOneDevice(List.of(first, second), DeviceSplit.fixed(3, 1),
                    10));
        }
    }

    @Test
    void anOpenClDeviceAndTheCpuBackendTrainAsTheOpenClDeviceAlone() {
        try (OpenClBackend device = new OpenClBackend(OpenClTestSupport.devices().get(0), null);
             Backend cpu = Backends.select("cpu")) {
            assertEquals(List.of(), DevicesCheck.matchesOneDevice(List.of(device, cpu), DeviceSplit.measured(), 16));
        }
    }

    @Test
    void aClosedDeviceStopsTrainingNamingIt() {
        List<ClDevice> devices = twoDevices();
        double[][] x = {{0, 1}, {1, 0}, {1, 1}, {0, 0}, {0.5, 0.5}, {0.2, 0.9}};
        double[][] y = {{1}, {1}, {0}, {0}, {1}, {0}};
        try (OpenClBackend first = new OpenClBackend(devices.get(0), null);
             OpenClBackend second = new OpenClBackend(devices.get(1), null);
             Sequential model = Sequential.on(first, new Dense(4, ActivationFunction.TANH), new Dense(1)).seed(1)) {
            model.compile(Losses.mse(), new Adam(0.01));
            Callback closing = new Callback() {
                @Override
                public void onBatchBegin(int epoch, int step, TrainingContext context) {
                    if (epoch == 2) {
                        second.close();
                    }
                }
            };
            KilnException e = assertThrows(KilnException.class, () -> model.fit(x, y, FitOptions.builder()
                    .epochs(3).batchSize(6).log(false).callbacks(closing).devices(List.of(first, second)).build()));
            assertTrue(e.getMessage().startsWith("device 1, " + second.device().name() + " (opencl), failed in epoch"
                    + " 2, step 1: "), e.getMessage());
        }
    }
}
