package dev.kiln.opencl;

import dev.kiln.KilnSettings;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendAhead;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Provides {@link OpenClBackend}: available when at least one OpenCL device is found. */
public final class OpenClBackendProvider implements BackendProvider {
    /** Building the kernels takes most of the time to a first launch (a third of it on PoCL), so it is done ahead. */
    private static final BackendAhead AHEAD = new BackendAhead();

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Probe probe() {
        return PlatformLock.locked(OpenClBackendProvider::probeDevices);
    }

    private static Probe probeDevices() {
        try {
            List<ClDevice> devices = ClDevices.discover();
            if (devices.isEmpty()) {
                return Probe.unavailable("no OpenCL platform or device found");
            }
            List<DeviceInfo> infos = devices.stream().map(ClDevice::info).toList();
            int chosen = ClDevices.choose(devices, KilnSettings.openClDevice()).info().index();
            return new Probe(true, infos.size() + " OpenCL device(s); using " + infos.get(chosen).name(), infos, chosen);
        } catch (LinkageError e) {
            return Probe.unavailable("the OpenCL library could not be loaded: " + e.getMessage());
        } catch (RuntimeException e) {
            return Probe.unavailable("OpenCL could not be probed: " + e.getMessage());
        }
    }

    @Override
    public Backend create() {
        return AHEAD.take(settings()).orElseGet(() -> prepared(OpenClBackend.create(), () -> false));
    }

    @Override
    public void createAhead() {
        AHEAD.create(settings(), stop -> prepared(OpenClBackend.create(), stop));
    }

    @Override
    public void discardAhead() {
        AHEAD.discard();
    }

    /** The settings {@link OpenClBackend#create()} reads. */
    private static String settings() {
        return String.join("\n", String.valueOf(KilnSettings.openClDevice()), KilnSettings.openClEmulate(),
                KilnSettings.openClCache(), KilnSettings.openClStaging());
    }

    @Override
    public Backend create(DeviceInfo device) {
        return prepared(OpenClBackend.onDevice(Integer.toString(device.index())), () -> false);
    }

    /** {@code backend} with its F32 kernels built, unless {@code stop} says so between two programs. */
    private static Backend prepared(OpenClBackend backend, BooleanSupplier stop) {
        backend.lock().lock();
        try {
            // Build the F32 kernels up front so a device that cannot compile them is caught before training.
            backend.prepare(DType.F32, stop);
            return backend;
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        } finally {
            backend.lock().unlock();
        }
    }
}
