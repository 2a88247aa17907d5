package dev.kiln.samples.bench;

import dev.kiln.samples.data.DataFetcher;
import dev.kiln.samples.data.DataSetSpec;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * PyTorch's side of a benchmark whose epochs alternate with Kiln's: PyTorch loads the data and runs its warm-up when
 * this starts, then one timed epoch after each of Kiln's ({@link #afterKilnEpoch}). A machine whose speed drifts
 * (shared, throttled) then slows both sides of each pair alike, where two blocks of epochs run minutes apart would
 * each catch a different speed.
 */
final class TorchPairs implements AutoCloseable {
    private final TorchReference.Interleaved torch;
    private String failure;

    TorchPairs(TorchReference.Interleaved torch) {
        this.torch = torch;
    }

    /** Starts PyTorch's side, or fails saying why it cannot run. */
    @FunctionalInterface
    interface Start {
        TorchPairs start() throws PythonRunner.Failure;
    }

    /**
     * PyTorch ready for {@code epochs} timed epochs of {@code network} at {@code batchSize}, after {@code warmUp}
     * untimed ones.
     */
    static TorchPairs start(Path data, int epochs, int warmUp, int batchSize, TorchReference.Network network)
            throws PythonRunner.Failure {
        Path directory = DataFetcher.standard(DataSetSpec.MNIST).ensure(DataSetSpec.MNIST, DataFetcher.dataRoot(data));
        return new TorchPairs(new TorchReference(TorchReference.DEFAULT_TIMEOUT).interleaved(
                new TorchReference.Settings(directory, epochs, warmUp, batchSize, TorchComparison.THREADS,
                        TorchComparison.SEED, network)));
    }

    /**
     * Kiln's timed epochs, {@code kilnEpochs} given what to run after each, alternated with PyTorch's epochs from
     * {@code start}; PyTorch's run, or why there is none, goes to {@code reference}. When PyTorch cannot start,
     * Kiln's epochs run alone.
     */
    static double[] alternate(Start start, Function<Runnable, double[]> kilnEpochs,
                              Consumer<TorchReference.Result> reference) {
        try (TorchPairs pairs = start.start()) {
            double[] seconds = kilnEpochs.apply(pairs::afterKilnEpoch);
            reference.accept(pairs.finish());
            return seconds;
        } catch (PythonRunner.Failure e) {
            reference.accept(new TorchReference.Unavailable(e.getMessage()));
            return kilnEpochs.apply(() -> { });
        }
    }

    /** Runs PyTorch's next timed epoch; after a failure, nothing (the failure is reported by {@link #finish}). */
    void afterKilnEpoch() {
        if (failure != null) {
            return;
        }
        try {
            torch.epoch();
        } catch (PythonRunner.Failure e) {
            failure = e.getMessage();
        }
    }

    /** PyTorch's whole run, every timed epoch in the order run. */
    TorchReference.Result finish() {
        if (failure != null) {
            return new TorchReference.Unavailable(failure);
        }
        try {
            return torch.finish();
        } catch (PythonRunner.Failure e) {
            return new TorchReference.Unavailable(e.getMessage());
        }
    }

    @Override
    public void close() {
        torch.close();
    }
}
