package dev.kiln.samples.parity;

import dev.kiln.KilnException;
import dev.kiln.backend.DeviceInfo;
import java.util.List;
import java.util.Locale;

/** The OpenCL devices a {@code --device} value names: "all", an index, or part of a name (every match). */
final class DeviceChoice {
    static final String ALL = "all";

    private DeviceChoice() {
    }

    static List<DeviceInfo> select(List<DeviceInfo> devices, String choice) {
        String wanted = choice.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals(ALL)) {
            return devices;
        }
        if (wanted.chars().allMatch(Character::isDigit) && !wanted.isEmpty()) {
            int index = Integer.parseInt(wanted);
            return devices.stream().filter(d -> d.index() == index).findFirst().map(List::of)
                    .orElseThrow(() -> unknown(devices, choice));
        }
        List<DeviceInfo> named = devices.stream()
                .filter(d -> d.name().toLowerCase(Locale.ROOT).contains(wanted)).toList();
        if (named.isEmpty()) {
            throw unknown(devices, choice);
        }
        return named;
    }

    private static KilnException unknown(List<DeviceInfo> devices, String choice) {
        return new KilnException("no OpenCL device matches --device '" + choice + "'; expected 'all', an index or "
                + "part of a name among " + devices.stream().map(d -> d.index() + ": " + d.name()).toList());
    }
}
