package dev.kiln.cpu;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.DeviceInfo;
import java.util.List;

/** Provides the CPU backend: always available, lowest priority. */
public final class CpuBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return CpuBackend.NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Probe probe() {
        DeviceInfo host = HostDevice.describe();
        return new Probe(true, host.computeUnits() + " core(s), " + host.name(), List.of(host), 0);
    }

    @Override
    public Backend create() {
        return new CpuBackend();
    }

    @Override
    public Backend create(DeviceInfo device) {
        if (device.index() != 0) {
            throw new KilnException("the CPU backend has one device, index 0; got device " + device.index());
        }
        return create();
    }
}
