package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The device warm-up runs for the commands that may open a device, and ends before the JVM may exit. */
class PlatformWarmUpTest {

    @Test
    void warmsUpForDeviceCommandsThatDoNotNameTheCpuBackend() {
        assertTrue(PlatformWarmUp.wanted(List.of("train", "xor"), "auto"));
        assertTrue(PlatformWarmUp.wanted(List.of("train", "mnist-mlp", "--backend", "opencl"), "auto"));
        assertTrue(PlatformWarmUp.wanted(List.of("bench", "mnist-mlp", "opencl"), "auto"));
        assertTrue(PlatformWarmUp.wanted(List.of("devices"), "opencl"));
        assertTrue(PlatformWarmUp.wanted(List.of("predict", "--model", "runs/x"), "auto"));
    }

    @Test
    void staysIdleWhenNoDeviceWillBeOpened() {
        assertFalse(PlatformWarmUp.wanted(List.of(), "auto"));
        assertFalse(PlatformWarmUp.wanted(List.of("data", "mnist"), "auto"));
        assertFalse(PlatformWarmUp.wanted(List.of("train", "xor", "--backend", "cpu"), "auto"));
        assertFalse(PlatformWarmUp.wanted(List.of("train", "xor", "--backend=cpu"), "auto"));
        assertFalse(PlatformWarmUp.wanted(List.of("bench", "mnist-mlp", "cpu"), "auto"));
        assertFalse(PlatformWarmUp.wanted(List.of("train", "xor"), " CPU "));
        assertFalse(PlatformWarmUp.wanted(List.of("train", "--help"), "auto"));
        assertFalse(PlatformWarmUp.wanted(List.of("--version"), "auto"));
        assertFalse(PlatformWarmUp.startFor(new String[] {"data", "mnist"}).started());
    }

    @Test
    void theWarmUpThreadHasEndedWhenAwaitEndReturns() {
        PlatformWarmUp warmUp = PlatformWarmUp.startFor(new String[] {"train", "xor"});
        assertTrue(warmUp.started());
        warmUp.awaitEnd();
        boolean running = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("kiln-platform-warm-up"));
        assertFalse(running, "the warm-up thread is still alive");
    }
}
