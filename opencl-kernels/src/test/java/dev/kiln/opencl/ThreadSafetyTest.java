package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.BackendClosedException;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.check.ConcurrencyCheck;
import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The threading contract on OpenCL, where kernel objects are shared: predictions from many threads, two trainings at
 * once, backends probed, created and closed from many threads, and closed backends named in every failure.
 */
class ThreadSafetyTest {
    private final OpenClBackend backend = OpenClTestSupport.backend();

    @Test
    void predictionsFromEightThreadsMatchOneThreadBitForBit() {
        assertEquals(List.of(), ConcurrencyCheck.predictions(backend, 8, 2000));
    }

    @Test
    void twoModelsTrainedAtOnceOnOneBackendMatchTrainingsOneAtATime() {
        assertEquals(List.of(), ConcurrencyCheck.trainings(backend));
    }

    @Test
    void aBackendClosedUnderPredictingThreadsFailsThemCleanly() {
        assertEquals(List.of(), ConcurrencyCheck.closingWhilePredicting(() -> Backends.select("opencl"), 4));
    }

    @Test
    void predictionsAndFitAttemptsDuringTrainingAreServedOrRefusedCleanly() {
        assertEquals(List.of(), ConcurrencyCheck.predictionsDuringTraining(backend, 2, 200));
    }

    @Test
    void backendsAreSelectedUsedAndClosedFromManyThreads() {
        OpenClRequirement.check();
        assertEquals(List.of(), ConcurrencyCheck.creations(() -> Backends.select("opencl"), 8, 100));
    }

    @Test
    void probesFromManyThreadsAllFindTheDevices() throws Exception {
        int devices = OpenClTestSupport.devices().size();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<BackendProvider.Probe>> probes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                probes.add(pool.submit(() -> new OpenClBackendProvider().probe()));
            }
            for (Future<BackendProvider.Probe> probe : probes) {
                assertEquals(devices, probe.get().devices().size(), probe.get().reason());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyUseOfAClosedBackendNamesItAndSaysItWasClosed() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        OpenClBackend closing = new OpenClBackend(devices.get(ClDevices.defaultIndex(devices)), null);
        Model model = ConcurrencyCheck.model(closing, 1);
        Tensor x = Tensor.zeros(closing, DType.F32, Shape.of(1, ConcurrencyCheck.FEATURES));
        closing.close();
        List<KilnException> failures = List.of(
                assertThrows(BackendClosedException.class, () -> model.predict(x)),
                assertThrows(BackendClosedException.class, () -> model.predict(new double[1][ConcurrencyCheck.FEATURES])),
                assertThrows(BackendClosedException.class, x::toFloatArray),
                assertThrows(BackendClosedException.class, () -> closing.allocate(DType.F32, 1)));
        for (KilnException e : failures) {
            assertTrue(e.getMessage().contains("backend 'opencl' on " + closing.device().name() + " was closed"),
                    e.getMessage());
        }
        model.close();
        x.close();
    }
}
