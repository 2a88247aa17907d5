package dev.kiln.samples.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DeviceInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {
    private static DeviceInfo device(int index, String name) {
        return new DeviceInfo(index, name, "vendor", "gpu", "1.0", 8, 1L << 30, 1L << 28, true);
    }

    private static final List<DeviceInfo> DEVICES = List.of(device(0, "pthread-skylake"), device(1, "Radeon RX 7900"),
            device(2, "pthread-zen"));

    @Test
    void allChoosesEveryDevice() {
        assertEquals(DEVICES, DeviceChoice.select(DEVICES, "all"));
        assertEquals(DEVICES, DeviceChoice.select(DEVICES, " ALL "));
    }

    @Test
    void anIndexChoosesThatDevice() {
        assertEquals(List.of(DEVICES.get(1)), DeviceChoice.select(DEVICES, "1"));
    }

    @Test
    void aNameChoosesEveryDeviceContainingIt() {
        assertEquals(List.of(DEVICES.get(0), DEVICES.get(2)), DeviceChoice.select(DEVICES, "PTHREAD"));
        assertEquals(List.of(DEVICES.get(1)), DeviceChoice.select(DEVICES, "radeon"));
    }

    @Test
    void anUnknownChoiceNamesTheDevicesThereAre() {
        KilnException byIndex = assertThrows(KilnException.class, () -> DeviceChoice.select(DEVICES, "7"));
        assertTrue(byIndex.getMessage().contains("1: Radeon RX 7900"), byIndex.getMessage());
        assertThrows(KilnException.class, () -> DeviceChoice.select(DEVICES, "nvidia"));
    }
}
