package dev.kiln.opencl;

import dev.kiln.KilnSettings;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import java.util.List;

/** Provides {@link OpenClBackend}: available when at least one OpenCL device is found. */
public final class OpenClBackendProvider implements BackendProvider {

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
        return prepared(OpenClBackend.create());
    }

    @Override
    public Backend create(DeviceInfo device) {
        return prepared(OpenClBackend.onDevice(Integer.toString(device.index())));
    }

    private static Backend prepared(OpenClBackend backend) {
        backend.lock().lock();
        try {
            // Build the F32 kernels up front so a device that cannot compile them is caught before training.
            backend.prepare(DType.F32);
            return backend;
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        } finally {
            backend.lock().unlock();
        }
    }
}
