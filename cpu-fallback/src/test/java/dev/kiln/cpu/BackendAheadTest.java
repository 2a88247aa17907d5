package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendAhead;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A backend built ahead on one thread and taken on another, with real CPU backends. */
class BackendAheadTest {
    private final BackendAhead ahead = new BackendAhead();

    @Test
    void theBackendBuiltAheadIsTakenOnceUnderTheSameSettings() throws Exception {
        AtomicReference<Backend> built = new AtomicReference<>();
        CompletableFuture.runAsync(() -> ahead.create("a", stop -> remembered(built))).get(30, TimeUnit.SECONDS);
        Backend taken = ahead.take("a").orElseThrow();
        assertSame(built.get(), taken);
        assertFalse(taken.isClosed());
        assertTrue(ahead.take("a").isEmpty(), "a backend is handed out once");
        taken.close();
    }

    @Test
    void takingWaitsForABuildInProgress() throws Exception {
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Backend> built = new AtomicReference<>();
        CompletableFuture<Void> builder = CompletableFuture.runAsync(() -> ahead.create("a", stop -> {
            building.countDown();
            await(release);
            return remembered(built);
        }));
        assertTrue(building.await(30, TimeUnit.SECONDS));
        CompletableFuture<Optional<Backend>> taking = CompletableFuture.supplyAsync(() -> ahead.take("a"));
        Thread.sleep(50);
        assertFalse(taking.isDone(), "take returned before the build ended");
        release.countDown();
        Backend taken = taking.get(30, TimeUnit.SECONDS).orElseThrow();
        assertSame(built.get(), taken);
        builder.get(30, TimeUnit.SECONDS);
        taken.close();
    }

    @Test
    void otherSettingsCloseTheBackendBuiltAhead() {
        AtomicReference<Backend> built = new AtomicReference<>();
        ahead.create("device 0", stop -> remembered(built));
        assertTrue(ahead.take("device 1").isEmpty());
        assertTrue(built.get().isClosed(), "the backend nobody may take is closed");
        assertTrue(ahead.take("device 0").isEmpty(), "nothing is held any more");
    }

    @Test
    void aFailedBuildLeavesTheCallerToCreateItsOwn() {
        ahead.create("a", stop -> {
            throw new IllegalStateException("no device");
        });
        assertTrue(ahead.take("a").isEmpty());
    }

    @Test
    void discardClosesWhatNobodyTookAndASecondBuildReplacesTheFirst() {
        AtomicReference<Backend> first = new AtomicReference<>();
        AtomicReference<Backend> second = new AtomicReference<>();
        ahead.create("a", stop -> remembered(first));
        ahead.create("a", stop -> remembered(second));
        assertTrue(first.get().isClosed(), "the replaced backend is closed");
        ahead.discard();
        assertTrue(second.get().isClosed());
        assertTrue(ahead.take("a").isEmpty());
        ahead.discard();
    }

    @Test
    void discardAsksABuildStillRunningToStop() throws Exception {
        CountDownLatch building = new CountDownLatch(1);
        AtomicReference<Backend> built = new AtomicReference<>();
        CompletableFuture<Void> builder = CompletableFuture.runAsync(() -> ahead.create("a", stop -> {
            Backend backend = remembered(built);
            building.countDown();
            // stands for the programs a device backend builds one after the other, looking at stop between two
            while (!stop.getAsBoolean()) {
                Thread.onSpinWait();
            }
            backend.close();
            throw new IllegalStateException("stopped");
        }));
        assertTrue(building.await(30, TimeUnit.SECONDS));
        CompletableFuture.runAsync(ahead::discard).get(30, TimeUnit.SECONDS);
        builder.get(30, TimeUnit.SECONDS);
        assertTrue(built.get().isClosed());
        assertTrue(ahead.take("a").isEmpty());
    }

    private static Backend remembered(AtomicReference<Backend> built) {
        CpuBackend backend = new CpuBackend();
        built.set(backend);
        return backend;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
