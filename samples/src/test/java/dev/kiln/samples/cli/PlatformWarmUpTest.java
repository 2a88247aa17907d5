package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
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
    void onlyATrainingOnOneDeviceHasItsBackendBuiltAhead() {
        assertTrue(PlatformWarmUp.createsOneBackend(List.of("train", "xor")));
        assertTrue(PlatformWarmUp.createsOneBackend(List.of("train", "mnist-mlp", "--backend", "opencl")));
        assertFalse(PlatformWarmUp.createsOneBackend(List.of("train", "xor", "--devices", "0,1")));
        assertFalse(PlatformWarmUp.createsOneBackend(List.of("train", "xor", "--devices=all")));
        assertFalse(PlatformWarmUp.createsOneBackend(List.of("devices")));
        assertFalse(PlatformWarmUp.createsOneBackend(List.of("bench", "mnist-mlp", "opencl")));
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

    @Test
    void loggingHasStartedOnTheCallingThreadWhenStartForReturns() throws Exception {
        // a class loader of its own gives this test an slf4j that nothing has started yet
        URL[] classPath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> toUrl(Path.of(entry))).toArray(URL[]::new);
        try (URLClassLoader fresh = new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader())) {
            Field state = fresh.loadClass("org.slf4j.LoggerFactory").getDeclaredField("INITIALIZATION_STATE");
            state.setAccessible(true);
            int successful = 3;
            assertFalse(state.getInt(null) == successful, "slf4j had started in the fresh class loader");
            Method startFor = fresh.loadClass(PlatformWarmUp.class.getName()).getDeclaredMethod("startFor",
                    String[].class);
            startFor.setAccessible(true);
            startFor.invoke(null, (Object) new String[] {"data", "mnist"});
            assertEquals(successful, state.getInt(null), "slf4j has not started when startFor returns");
        }
    }

    private static URL toUrl(Path entry) {
        try {
            return entry.toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
