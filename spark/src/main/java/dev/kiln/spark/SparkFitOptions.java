package dev.kiln.spark;

import dev.kiln.KilnException;
import dev.kiln.backend.Backends;
import dev.kiln.model.Model;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@link SparkTrainer} trains.
 *
 * @param checkpoints the driver's checkpoint directory: one checkpoint per epoch; a run finds the latest complete
 *                    one there and continues after it
 * @param epochs passes over the data
 * @param batchSize the global batch size, a multiple of the partitions
 * @param shuffle whether each task shuffles its shard every epoch (with the seed and the epoch's number)
 * @param seed the fit's seed
 * @param partitions training tasks, one per partition; 0 for as many as the data has partitions
 * @param backend the backend each task trains on: "auto" for its best device, or "cpu" or "opencl"
 * @param averageEverySteps 0 to sum gradients every step (the default: the same training as one machine's); n to
 *                          let each task take its own optimizer steps and average the weights every n steps
 * @param attempts tries per epoch: a failed epoch (a task killed, an executor lost) starts again from the last
 *                 checkpoint until this many tries have failed
 * @param keepLast the newest checkpoints kept in {@code checkpoints}
 * @param patience how long a task waits for another (to connect, or for its part of an exchange) before failing
 *                 the epoch: a task that hangs, rather than fails, is noticed after this long
 */
public record SparkFitOptions(Path checkpoints, int epochs, int batchSize, boolean shuffle, long seed, int partitions,
                              String backend, int averageEverySteps, int attempts, int keepLast, Duration patience) {

    public SparkFitOptions {
        if (checkpoints == null) {
            throw new KilnException("a distributed fit needs a checkpoint directory on the driver");
        }
        positive("epochs", epochs);
        positive("batch size", batchSize);
        positive("attempts", attempts);
        positive("checkpoints kept", keepLast);
        if (partitions < 0 || averageEverySteps < 0) {
            throw new KilnException("partitions and averageEverySteps must be at least 0, got " + partitions
                    + " and " + averageEverySteps);
        }
        if (patience == null || patience.isNegative() || patience.isZero()) {
            throw new KilnException("the patience must be a positive duration, got " + patience);
        }
        if (backend == null || backend.isBlank()) {
            throw new KilnException("the backend must be named: \"auto\", \"cpu\" or \"opencl\"");
        }
    }

    /**
     * One epoch of global batches of {@link Model#DEFAULT_BATCH_SIZE}, shuffled, seed 0, a task per partition on
     * each executor's best backend, gradients summed every step, three tries per epoch, the last two checkpoints
     * kept, ten minutes of patience.
     */
    public static SparkFitOptions into(Path checkpoints) {
        return new SparkFitOptions(checkpoints, 1, Model.DEFAULT_BATCH_SIZE, true, 0, 0, Backends.AUTO, 0, 3, 2,
                Duration.ofMinutes(10));
    }

    public SparkFitOptions epochs(int value) {
        return new SparkFitOptions(checkpoints, value, batchSize, shuffle, seed, partitions, backend,
                averageEverySteps, attempts, keepLast, patience);
    }

    public SparkFitOptions batchSize(int value) {
        return new SparkFitOptions(checkpoints, epochs, value, shuffle, seed, partitions, backend, averageEverySteps,
                attempts, keepLast, patience);
    }

    public SparkFitOptions shuffle(boolean value) {
        return new SparkFitOptions(checkpoints, epochs, batchSize, value, seed, partitions, backend, averageEverySteps,
                attempts, keepLast, patience);
    }

    public SparkFitOptions seed(long value) {
        return new SparkFitOptions(checkpoints, epochs, batchSize, shuffle, value, partitions, backend,
                averageEverySteps, attempts, keepLast, patience);
    }

    public SparkFitOptions partitions(int value) {
        return new SparkFitOptions(checkpoints, epochs, batchSize, shuffle, seed, value, backend, averageEverySteps,
                attempts, keepLast, patience);
    }

    public SparkFitOptions backend(String value) {
        return new SparkFitOptions(checkpoints, epochs, batchSize, shuffle, seed, partitions, value,
                averageEverySteps, attempts, keepLast, patience);
    }

    public SparkFitOptions averageEverySteps(int value) {
        return new SparkFitOptions(checkpoints, epochs, batchSize, shuffle, seed, partitions, backend, value,
                attempts, keepLast, patience);
    }

    public SparkFitOptions attempts(int value) {
        return new SparkFitOptions(checkpoints, epochs, batchSize, shuffle, seed, partitions, backend,
                averageEverySteps, value, keepLast, patience);
    }

    public SparkFitOptions keepLast(int value) {
        return new SparkFitOptions(checkpoints, epochs, batchSize, shuffle, seed, partitions, backend,
                averageEverySteps, attempts, value, patience);
    }

    public SparkFitOptions patience(Duration value) {
        return new SparkFitOptions(checkpoints, epochs, batchSize, shuffle, seed, partitions, backend,
                averageEverySteps, attempts, keepLast, value);
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new KilnException(what + " must be at least 1, got " + value);
        }
    }
}
