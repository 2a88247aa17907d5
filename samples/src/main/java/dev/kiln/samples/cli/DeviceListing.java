package dev.kiln.samples.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.samples.report.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code kiln devices} reports; its JSON form is a contract:
 * {@code {"selected", "backends": [{"name", "available", "reason", "devices": [...]}]}}.
 *
 * @param selected the backend automatic selection picks (the highest-priority available one), or null
 * @param backends every provider found, highest priority first
 */
record DeviceListing(String selected, List<BackendEntry> backends) {

    /**
     * One backend provider and what its probe found.
     *
     * @param defaultDevice index of the device the backend would use, or -1 (not part of the JSON)
     */
    record BackendEntry(String name, boolean available, String reason, List<DeviceInfo> devices,
                        @JsonIgnore int defaultDevice) {
    }

    /** The device fields of the JSON contract. */
    @JsonIncludeProperties({"index", "name", "vendor", "type", "fp64", "global_memory_bytes"})
    @JsonPropertyOrder({"index", "name", "vendor", "type", "fp64", "global_memory_bytes"})
    private interface DeviceJson {
    }

    /** Probes every provider (probes never throw) in priority order. */
    static DeviceListing probe(List<BackendProvider> providers) {
        String selected = null;
        List<BackendEntry> entries = new ArrayList<>();
        for (BackendProvider provider : providers) {
            BackendProvider.Probe probe = provider.probe();
            if (probe.available() && selected == null) {
                selected = provider.name();
            }
            entries.add(new BackendEntry(provider.name(), probe.available(), probe.reason(),
                    probe.devices(), probe.defaultDevice()));
        }
        return new DeviceListing(selected, List.copyOf(entries));
    }

    /** The JSON form of the contract. */
    String json() {
        return Json.write(Json.mapper().copy().addMixIn(DeviceInfo.class, DeviceJson.class), this);
    }

    /** The human-readable listing; '*' marks the device each backend would use. */
    String text() {
        StringBuilder text = new StringBuilder();
        if (backends.isEmpty()) {
            text.append(String.format("no backend found on the class path%n"));
        }
        for (BackendEntry backend : backends) {
            text.append(String.format(Locale.ROOT, "%s: %s%s%n", backend.name(),
                    backend.available() ? "available" : "unavailable",
                    backend.reason() == null || backend.reason().isBlank() ? "" : " (" + backend.reason() + ")"));
            for (DeviceInfo device : backend.devices()) {
                text.append(String.format(Locale.ROOT, "  %s [%d] %s%n", device.index() == backend.defaultDevice()
                        ? "*" : " ", device.index(), device.name()));
                text.append(String.format(Locale.ROOT,
                        "        vendor %s, type %s, driver %s, %d compute units, memory %s (largest buffer %s), "
                                + "fp64 %s%n",
                        device.vendor(), device.type(), device.driverVersion(), device.computeUnits(),
                        ByteSize.of(device.globalMemoryBytes()), ByteSize.of(device.maxAllocationBytes()),
                        device.fp64() ? "yes" : "no"));
            }
        }
        text.append(selected == null
                ? String.format("automatic selection: none (no backend is available)%n")
                : String.format("automatic selection: %s%n", selected));
        return text.toString();
    }
}
